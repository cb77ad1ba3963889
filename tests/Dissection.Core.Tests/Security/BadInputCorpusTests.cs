// The bad-input corpus as fixtures: a truncated JPEG and PNG, a mask of the wrong size, a broken mask, bad safetensors
// headers and a pickle that holds code. Each is refused with a message that names the broken file and says what is
// wrong in the user's terms; a run that skips follows its --on-bad-image policy and blames the right file.
using System.IO.Compression;
using System.Text;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Tests.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Security;

public sealed class BadInputCorpusTests : IDisposable
{
    readonly BrodenFixture _fixture = new();
    public void Dispose() => _fixture.Dispose();

    /// <summary>A noisy 64x64 JPEG (so its scan is long enough to cut), whole.</summary>
    internal static byte[] Jpeg()
    {
        using var image = new Image<Rgb24>(64, 64);
        var random = new Random(5);
        for (int y = 0; y < 64; y++)
            for (int x = 0; x < 64; x++)
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        using var stream = new MemoryStream();
        image.SaveAsJpeg(stream);
        return stream.ToArray();
    }

    internal static byte[] Truncated(byte[] whole) => whole[..(whole.Length * 2 / 3)];

    [Fact]
    public void A_whole_jpeg_decodes_and_a_truncated_one_is_refused_naming_it()
    {
        var whole = Jpeg();
        using (ImageUpload.Decode(whole, "whole.jpg")) { }
        // The decoder alone accepts the cut file: the check is ours.
        using (var silently = Image.Load<Rgb24>(Truncated(whole))) Assert.Equal(64, silently.Width);
        var e = Assert.Throws<BadImageException>(() => ImageUpload.Decode(Truncated(whole), "cut.jpg"));
        Assert.Equal("cut.jpg", e.FilePath);
        Assert.StartsWith("truncated", e.Reason);
    }

    [Fact]
    public void A_truncated_png_is_refused()
    {
        using var image = new Image<Rgb24>(32, 32, new Rgb24(9, 9, 9));
        using var stream = new MemoryStream();
        image.SaveAsPng(stream);
        var bytes = stream.ToArray();
        var e = Assert.Throws<BadImageException>(() => ImageUpload.Decode(bytes[..(bytes.Length - 12)], "cut.png"));
        Assert.StartsWith("truncated", e.Reason);
    }

    [Fact]
    public void A_truncated_dataset_jpeg_follows_the_bad_image_policy()
    {
        File.WriteAllBytes(Path.Combine(_fixture.Images, "cut.jpg"), Truncated(Jpeg()));
        _fixture.WriteIndex("a.png,train,8,8,4,4,,,,,,", "cut.jpg,train,64,64,4,4,,,,,,");
        var ds = ConceptDataset.Open(_fixture.Root);
        using (var skipped = DissectionRun.LoadBatch(ds, ds.Images, 8, BadImagePolicy.Skip, default))
            Assert.Equal(["cut.jpg"], skipped.Skipped);
        var e = Assert.Throws<InvalidDataException>(() => DissectionRun.LoadBatch(ds, ds.Images, 8, BadImagePolicy.Fail, default));
        Assert.Contains("cut.jpg", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_mask_of_the_wrong_size_is_reported_with_its_file_name()
    {
        // 3x5 for a 4x4 segmentation: no whole factor maps one onto the other.
        BrodenFixture.WriteLabelPng(Path.Combine(_fixture.Images, "odd_object.png"), 3, 5, new int[15]);
        _fixture.WriteIndex("a.png,train,8,8,4,4,,odd_object.png,,,,");
        var ds = ConceptDataset.Open(_fixture.Root);
        var e = Assert.Throws<DatasetFormatException>(() => ds.LoadLabels(ds.Images[0]));
        Assert.Contains("odd_object.png", e.Message);
        Assert.Contains("3x5", e.Message);
        Assert.Contains("4x4", e.Message);
    }

    [Fact]
    public void A_mask_at_a_whole_fraction_of_the_size_is_still_read()
    {
        // The fixture's colour plane is 2x2 for a 4x4 segmentation, as Broden stores some planes.
        var ds = ConceptDataset.Open(_fixture.Root);
        Assert.Equal(BrodenFixture.ColorPlane4x4, ds.LoadLabels(ds.Images[0]).Planes[0]);
    }

    [Fact]
    public void A_broken_mask_is_blamed_on_the_mask_not_its_picture()
    {
        File.WriteAllBytes(Path.Combine(_fixture.Images, "broken_object.png"), Encoding.ASCII.GetBytes("not a png at all"));
        _fixture.WriteIndex("a.png,train,8,8,4,4,,broken_object.png,,,,");
        var ds = ConceptDataset.Open(_fixture.Root);
        var e = Assert.Throws<InvalidDataException>(() => DissectionRun.LoadBatch(ds, ds.Images, 8, BadImagePolicy.Fail, default));
        Assert.Contains("broken mask", e.Message);
        Assert.Contains("broken_object.png", e.Message);
        Assert.DoesNotContain("bad image", e.Message);
    }

    static string WriteFile(string name, byte[] bytes)
    {
        var path = Path.Combine(Path.GetTempPath(), "dd-corpus-" + Guid.NewGuid().ToString("N")[..8] + "-" + name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] SafetensorsWith(ulong declared, string json)
    {
        var header = Encoding.UTF8.GetBytes(json);
        return [.. BitConverter.GetBytes(declared), .. header, .. new byte[16]];
    }

    public static TheoryData<string, byte[], string> BadSafetensors => new()
    {
        { "lies.safetensors", SafetensorsWith(1UL << 40, "{\"w\":{}}"), "declares" },
        { "json.safetensors", SafetensorsWith(12, "{not json!!}"), "JSON header is not valid" },
        { "short.safetensors", [1, 2, 3], "only 3 bytes" },
        { "text.safetensors", Encoding.ASCII.GetBytes("hello world, not a tensor file"), "does not start with an 8-byte header length" },
    };

    [Theory]
    [MemberData(nameof(BadSafetensors))]
    public void Bad_safetensors_headers_are_named_as_such(string name, byte[] bytes, string expected)
    {
        var path = WriteFile(name, bytes);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(new ModelSpec("resnet18", path), new ModelOptions("cpu")));
            Assert.Contains("bad safetensors header", e.Message);
            Assert.Contains(expected, e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_pickle_that_holds_code_is_refused_in_plain_words()
    {
        // torch.save's zip layout with a data.pkl that calls os.system("id") when unpickled by Python.
        byte[] pickle = [0x80, 0x02, .. "cos\nsystem\n"u8, .. "X\u0002\0\0\0id"u8, 0x85, (byte)'R', (byte)'.'];
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = archive.CreateEntry("archive/data.pkl").Open()) entry.Write(pickle);
        var path = WriteFile("evil.pt", zip.ToArray());
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(new ModelSpec("resnet18", path), new ModelOptions("cpu")));
            Assert.Contains("was refused", e.Message);
            Assert.Contains("state_dict", e.Message);
            Assert.DoesNotContain("IObjectConstructor", e.Message);
        }
        finally { File.Delete(path); }
    }
}
