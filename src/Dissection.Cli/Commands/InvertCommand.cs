// `dissect invert`: invert every image of a folder into the generator; writes each reconstruction (NAME.png), its
// inverted edit-layer features (NAME.features.npy, for `dissect edit --features`) and inversions.csv. Resumable: an
// image whose two files exist is skipped; each file is written under a temporary name and moved, so a killed run
// leaves nothing half-written.
using System.CommandLine;
using System.Globalization;
using Dissection.Core.Datasets;
using Dissection.Core.Gan;

namespace Dissection.Cli.Commands;

public sealed class InvertCommand : Verb
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp"];
    private readonly PhotoOptions _photo = new();
    private readonly Option<string> _images = CliOptions.Text("--images", "folder of images (JPEG, PNG, WebP; any size: centre-cropped and resized)", "DIR", required: true);
    private readonly Option<string> _out = CliOptions.Text("--out", "folder for NAME.png, NAME.features.npy and inversions.csv", "DIR", required: true);
    private readonly Option<int?> _limit = CliOptions.OptionalInt("--limit", "invert only the first N images (by name)", min: 1);

    public InvertCommand() : base("invert", "Invert photos into a GAN generator (encoder + per-image refinement): reconstructions and edit-layer features")
    {
        Add(_photo.All);
        Add(_images, _out, _limit);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var dir = parse.GetValue(_images)!;
        if (!Directory.Exists(dir)) throw new UsageException($"--images: no folder '{dir}'");
        var files = Directory.EnumerateFiles(dir).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).Take(parse.GetValue(_limit) ?? int.MaxValue).ToList();
        if (files.Count == 0) throw new UsageException($"--images: '{dir}' holds no JPEG, PNG or WebP image");
        var outDir = parse.GetValue(_out)!;
        Directory.CreateDirectory(outDir);
        var settings = _photo.Settings(parse);
        using var inverter = _photo.Load(parse);
        var csv = Path.Combine(outDir, "inversions.csv");
        if (!File.Exists(csv)) File.WriteAllText(csv, "image,psnr_encoder,psnr_refined,psnr_adapted,milliseconds,cropped\n");
        int done = 0, skipped = 0, refused = 0;
        foreach (var file in files)
        {
            cancel.ThrowIfCancellationRequested();
            var name = Path.GetFileNameWithoutExtension(file);
            var png = Path.Combine(outDir, name + ".png");
            var npy = Path.Combine(outDir, name + ".features.npy");
            if (File.Exists(png) && File.Exists(npy)) { skipped++; continue; }
            PhotoPixels photo;
            try { photo = PhotoPixels.Load(file, inverter.Generator.Resolution); }
            catch (BadImageException e)
            {
                Console.Error.WriteLine($"skipped {Path.GetFileName(file)}: {e.Reason}");
                refused++;
                continue;
            }
            using var inverted = inverter.Invert(photo, settings, cancel);
            Dissection.Core.Gan.Npy.Write(npy + ".tmp", inverted.Features);
            File.WriteAllBytes(png + ".tmp", PhotoPixels.Png(inverted.Reconstruction, photo.Size));
            File.Move(npy + ".tmp", npy, overwrite: true);
            File.Move(png + ".tmp", png, overwrite: true);
            string P(string step) => inverted.PsnrPerStep.Where(p => p.Step == step).Select(p => p.Psnr.ToString("F2", CultureInfo.InvariantCulture)).FirstOrDefault() ?? "";
            File.AppendAllText(csv, $"{name},{P("encoder")},{P("refined")},{P("adapted")},{inverted.Milliseconds.ToString("F0", CultureInfo.InvariantCulture)},{photo.Cropped}\n");
            done++;
            Console.Error.WriteLine($"[{done + skipped + refused}/{files.Count}] {Path.GetFileName(file)}: PSNR {inverted.Psnr:F2} dB " +
                                    $"({string.Join(", ", inverted.PsnrPerStep.Select(p => $"{p.Step} {p.Psnr:F1}"))}), {inverted.Milliseconds / 1000:F1} s");
        }
        Console.WriteLine($"{done} inverted, {skipped} already done, {refused} refused; written to {outDir}");
        return 0;
    }
}
