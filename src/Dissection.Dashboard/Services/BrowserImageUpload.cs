// Reading an image from a page's file input with the engine's upload rules (ImageUpload): the size is checked before
// a byte crosses the circuit, the header before anything is decoded. Shared by every page that takes an upload.
using Dissection.Core.Datasets;
using Microsoft.AspNetCore.Components.Forms;

namespace Dissection.Dashboard.Services;

/// <summary>An accepted upload: its bytes, the detected format (JPEG, PNG, WEBP) and the name the user gave it.</summary>
public sealed record UploadedImage(byte[] Bytes, string Format, string Name);

public static class BrowserImageUpload
{
    /// <summary>For the file input's accept attribute.</summary>
    public const string Accept = ImageUpload.Accept;

    /// <summary>Reads and checks the file. Throws BadImageException whose Reason names the problem.</summary>
    public static async Task<UploadedImage> ReadAsync(IBrowserFile file, CancellationToken cancel = default)
    {
        var name = Path.GetFileName(file.Name);
        ImageUpload.CheckLength(file.Size, name);
        byte[] bytes;
        try
        {
            await using var stream = file.OpenReadStream(maxAllowedSize: ImageUpload.MaxBytes, cancel);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory, cancel);
            bytes = memory.ToArray();
        }
        catch (IOException e) { throw new BadImageException(name, $"upload failed: {e.Message}", e); }
        return new UploadedImage(bytes, ImageUpload.Check(bytes, name), name);
    }

    /// <summary>The message a page shows for a refused upload.</summary>
    public static string Describe(BadImageException e) => $"The image '{e.FilePath}' cannot be used: {e.Reason}.";
}
