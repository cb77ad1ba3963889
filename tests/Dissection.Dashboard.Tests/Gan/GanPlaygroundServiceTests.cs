// The playground's generation path: a session's pictures (cached head, strokes, tail) equal the generator run with the
// strokes as edit hooks, an empty stroke list is the plain generator, paint levels are the 99th percentile (computed once, then read from
// the disk cache), and model names are looked up only inside the model folders.
using Dissection.Core.Models;
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using Dissection.Dashboard.Services;
using static TorchSharp.torch;

namespace Dissection.Dashboard.Tests.Gan;

public class GanPlaygroundServiceTests
{
    private static bool[] Cells(int side, params int[] on)
    {
        var m = new bool[side * side];
        foreach (var i in on) m[i] = true;
        return m;
    }

    [Fact]
    public async Task Session_pictures_equal_the_generator_run_with_the_strokes_as_edit_hooks()
    {
        using var dir = new GanTestFolder();
        var path = dir.Service.FindCheckpoint("test-gan")!;
        var model = await dir.Service.LoadAsync("test-gan", path);
        Assert.Equal(new[] { "layer1", "layer2", "layer3", "layer4", "layer5", "layer6", "layer7", "layer8" }, model.Layers);
        Assert.Equal((16, 8), model.LayerShape("layer4"));

        using var session = new GanPlaygroundSession();
        var plain = await session.RenderAsync(model, 9, "layer4");
        using var g = GanTestFolder.NewGenerator();
        using var z = PaintSession.Latent(16, 9);
        Assert.Equal(Png(g, z, []), plain.Original);
        Assert.Equal(plain.Original, plain.Edited);

        PaintStroke[] strokes =
        [
            new("tree", [0, 3, 5], PaintMode.Erase, [], 8, Cells(8, 0, 1, 9, 27)),
            new(null, [3, 11], PaintMode.Paint, [2.5f, 4f], 8, Cells(8, 27, 28, 63)),
        ];
        foreach (var s in strokes) session.Add(s);
        var edited = await session.RenderAsync(model, 9, "layer4");
        Assert.True(edited.HeadWasCached);
        Assert.Equal(Png(g, z, strokes.Select(s => s.ToEdit("layer4")).ToList()), edited.Edited);
        Assert.NotEqual(plain.Original, edited.Edited);
    }

    /// <summary>The full generator with the edits hooked in, as PNG bytes.</summary>
    private static byte[] Png(ProgressiveGenerator g, Tensor z, IReadOnlyList<UnitEdit> edits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor output;
        using (InstrumentedModel.Of(g).Edit(edits)) output = g.call(z);
        using var image = GeneratedImages.ToImage(output[0]);
        using var ms = new MemoryStream();
        SixLabors.ImageSharp.ImageExtensions.SaveAsPng(image, ms);
        return ms.ToArray();
    }

    [Fact]
    public async Task Paint_levels_are_the_99th_percentile_and_come_back_from_the_disk_cache()
    {
        using var dir = new GanTestFolder();
        var path = dir.Service.FindCheckpoint("test-gan")!;
        var model = await dir.Service.LoadAsync("test-gan", path);
        var levels = await dir.Service.LevelsAsync(model, "layer5", stored: null);
        Assert.Equal(12, levels.Length);

        // Brute force over the same samples: every layer5 activation of unit u, sorted, interpolated at 0.99.
        using var g = GanTestFolder.NewGenerator();
        using var zs = ZDataset.FromSeed(16, 1, GanPlaygroundService.LevelSamples);
        using var z = zs.All();
        var acts = new List<float>[12];
        for (var u = 0; u < 12; u++) acts[u] = [];
        using (no_grad())
        {
            var x = z.view(z.shape[0], 16, 1, 1);
            foreach (var (name, m) in g.named_children())
            {
                x = ((nn.Module<Tensor, Tensor>)m).call(x);
                if (name == "layer5") break;
            }
            for (var u = 0; u < 12; u++) acts[u].AddRange(x.select(1, u).flatten().data<float>().ToArray());
        }
        for (var u = 0; u < 12; u++)
        {
            var sorted = acts[u].Order().ToArray();
            var pos = 0.99 * (sorted.Length - 1);
            var lo = (int)Math.Floor(pos);
            var expected = sorted[lo] + (sorted[Math.Min(lo + 1, sorted.Length - 1)] - sorted[lo]) * (pos - lo);
            Assert.Equal(expected, levels[u], 4);
        }

        var cacheFiles = Directory.GetFiles(dir.Paths.CacheFolder, "layer5-q99.json", SearchOption.AllDirectories);
        Assert.Single(cacheFiles);
        // A new service (a restarted dashboard) reads the cached levels instead of recomputing.
        File.WriteAllText(cacheFiles[0], System.Text.Json.JsonSerializer.Serialize(Enumerable.Repeat(1.25f, 12)));
        var fresh = new GanPlaygroundService(dir.Paths, dir.Store, Microsoft.Extensions.Logging.Abstractions.NullLogger<GanPlaygroundService>.Instance, new Dissection.Core.Work.InteractivePriority());
        var again = await fresh.LevelsAsync(await fresh.LoadAsync("test-gan", path), "layer5", null);
        Assert.All(again, v => Assert.Equal(1.25f, v));
        fresh.Dispose();
    }

    [Fact]
    public void Model_names_are_plain_file_names_inside_the_model_folders()
    {
        using var dir = new GanTestFolder();
        Assert.EndsWith("test-gan.pt", dir.Service.FindCheckpoint("test-gan"));
        Assert.Null(dir.Service.FindCheckpoint("world-gan"));
        Assert.Throws<ArgumentException>(() => dir.Service.FindCheckpoint("../models/test-gan"));
        Assert.Throws<ArgumentException>(() => dir.Service.FindCheckpoint("/etc/passwd"));
        Assert.Contains("dissect train gan", GanPlaygroundService.TrainCommand("world-gan"));
    }

    [Fact]
    public async Task Sessions_keep_their_own_strokes_and_undo_redo_reset_move_through_history()
    {
        using var dir = new GanTestFolder();
        var model = await dir.Service.LoadAsync("test-gan", dir.Service.FindCheckpoint("test-gan")!);
        using var a = new GanPlaygroundSession();
        using var b = new GanPlaygroundSession();
        var stroke = new PaintStroke(null, [0, 1, 2, 3, 4, 5], PaintMode.Erase, [], 8, Cells(8, 18, 19, 26, 27));

        var before = await a.RenderAsync(model, 3, "layer4");
        Assert.Equal(before.Original, before.Edited);
        a.Add(stroke);
        var afterA = await a.RenderAsync(model, 3, "layer4");
        var plainB = await b.RenderAsync(model, 3, "layer4");
        Assert.True(afterA.HeadWasCached);
        Assert.NotEqual(afterA.Original, afterA.Edited);
        Assert.Equal(before.Original, plainB.Edited);   // b never sees a's stroke
        Assert.Empty(b.Strokes);

        Assert.True(a.Undo());
        Assert.Empty(a.Strokes);
        Assert.Equal(before.Original, (await a.RenderAsync(model, 3, "layer4")).Edited);
        Assert.True(a.Redo());
        Assert.Equal(afterA.Edited, (await a.RenderAsync(model, 3, "layer4")).Edited);
        a.Reset();
        Assert.Empty(a.Strokes);
        Assert.True(a.Undo());
        Assert.Single(a.Strokes);
        Assert.False(a.Redo() && a.Redo());

        // Empty mask: the picture stays byte-identical.
        b.Add(stroke with { Mask = new bool[64] });
        Assert.Equal(plainB.Edited, (await b.RenderAsync(model, 3, "layer4")).Edited);
    }
}
