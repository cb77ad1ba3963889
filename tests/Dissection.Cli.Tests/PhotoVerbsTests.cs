// `train encoder`, `invert` and `edit` as real `dissect` processes on the shipped generator and a 12-image world:
// a short encoder training resumes, inversion writes its files and skips finished images, an edit from saved
// features replays byte for byte and keeps the photo's pixels away from the stroke, and bad strokes get one line.
using Dissection.Core.Tests;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Dissection.Cli.Tests;

public sealed class PhotoVerbsTests : IDisposable
{
    private readonly TempDir _temp = new();
    private static readonly string Gan = "proggan:" + DissectProcess.RepositoryFile("data/models/world-gan.pt");
    private static readonly string Vgg = "world-vgg:" + DissectProcess.RepositoryFile("data/models/world-vgg.pt");

    public void Dispose() => _temp.Dispose();

    private (int Code, string Out, string Err) Dissect(params string[] args) => DissectProcess.Run(_temp.Path, args);

    [Fact]
    public void Train_encoder_invert_and_edit_behave_as_documented()
    {
        Assert.Equal(0, Dissect("world", "--out", "world", "--count", "12", "--size", "128", "--seed", "3").Code);
        var train = Dissect("train", "encoder", "--model", Gan, "--out", "enc.pt", "--dataset", "world", "--steps", "6", "--generated-steps", "3",
            "--batch", "4", "--checkpoint-every", "3", "--max-images", "8");
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("step 6: checkpoint written", train.Err);
        var more = Dissect("train", "encoder", "--model", Gan, "--out", "enc.pt", "--dataset", "world", "--steps", "8", "--generated-steps", "3",
            "--batch", "4", "--checkpoint-every", "3", "--max-images", "8");
        Assert.True(more.Code == 0, more.Err);
        Assert.Contains("resumed from enc.train at step 6", more.Err);

        Directory.CreateDirectory(Path.Combine(_temp.Path, "photos"));
        foreach (var name in new[] { "000000.jpg", "000001.jpg" })
            File.Copy(Path.Combine(_temp.Path, "world", "images", name), Path.Combine(_temp.Path, "photos", name));
        var invert = Dissect("invert", "--model", Gan, "--encoder", "enc.pt", "--images", "photos", "--out", "inv", "--steps", "20", "--classifier", Vgg);
        Assert.True(invert.Code == 0, invert.Err);
        Assert.StartsWith("2 inverted, 0 already done", invert.Out);
        foreach (var file in new[] { "000000.png", "000000.features.npy", "000001.png", "inversions.csv" })
            Assert.True(File.Exists(Path.Combine(_temp.Path, "inv", file)), file);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_temp.Path, "inv", "inversions.csv")).Length);
        Assert.StartsWith("0 inverted, 2 already done", Dissect("invert", "--model", Gan, "--encoder", "enc.pt", "--images", "photos", "--out", "inv", "--classifier", Vgg).Out);

        // Erase every unit in the top-left quarter; replaying from the saved features gives the same bytes.
        File.WriteAllText(Path.Combine(_temp.Path, "strokes.json"),
            $$"""{"layer":"layer4","strokes":[{"concept":"tree","units":[{{string.Join(",", Enumerable.Range(0, 128))}}],"mode":"erase","box":[0,0,16,16]}]}""");
        string[] edit = ["edit", "--model", Gan, "--encoder", "enc.pt", "--classifier", Vgg, "--photo", "photos/000000.jpg", "--features", "inv/000000.features.npy", "--strokes", "strokes.json"];
        var first = Dissect([.. edit, "--out", "a.png"]);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal(0, Dissect([.. edit, "--out", "b.png"]).Code);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_temp.Path, "a.png")), File.ReadAllBytes(Path.Combine(_temp.Path, "b.png")));
        using var edited = Image.Load<Rgb24>(Path.Combine(_temp.Path, "a.png"));
        using var photo = Image.Load<Rgb24>(Path.Combine(_temp.Path, "world", "images", "000000.jpg"));
        photo.Mutate(x => x.Resize(new ResizeOptions { Size = new Size(64, 64), Sampler = KnownResamplers.Triangle, Mode = ResizeMode.Stretch }));
        var changedFar = 0;
        var changedNear = 0;
        for (var y = 0; y < 64; y++)
            for (var x = 0; x < 64; x++)
            {
                if (edited[x, y].Equals(photo[x, y])) continue;
                if (x >= 40 || y >= 40) changedFar++;
                else changedNear++;
            }
        Assert.Equal(0, changedFar);
        Assert.True(changedNear > 0, "erasing every unit of the quarter changed nothing");

        File.WriteAllText(Path.Combine(_temp.Path, "bad.json"), """{"strokes":[{"units":[999],"mode":"erase","box":[0,0,8,8]}]}""");
        var bad = Dissect([.. edit[..^1], "bad.json", "--out", "c.png"]);
        Assert.Equal(2, bad.Code);
        Assert.Equal("dissect edit: bad.json: stroke 1: units must be within 0..127", bad.Err.Trim());
    }
}
