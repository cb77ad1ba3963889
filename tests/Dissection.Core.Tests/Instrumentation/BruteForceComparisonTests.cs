// The instrumented model's capture, edit, cut and ablation, and the GAN paint session, against plain computations on
// the same inputs: modules run one by one by hand, units zeroed by hand, edits blended one unit at a time. (Before the
// per-feature hook and split classes were deleted, this file compared the new paths with them, bit for bit.)
using Dissection.Core.Ablation;
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using Dissection.Core.Tests.Ablation;
using Dissection.Core.Tests.Gan;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Instrumentation;

public sealed class BruteForceComparisonTests
{
    private static void AssertSame(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.eq(actual).all().item<bool>(), $"{what}: largest difference {(expected.to_type(ScalarType.Float32) - actual.to_type(ScalarType.Float32)).abs().max().item<float>()}");
    }

    private static nn.Module<Tensor, Tensor> Child(nn.Module root, string name) =>
        (nn.Module<Tensor, Tensor>)root.named_modules().First(p => p.name == name).module;

    [Fact]
    public void Retained_layers_equal_alexnets_features_run_by_hand()
    {
        using var model = ModelRegistry.Load(ModelSpec.Parse("alexnet"), new ModelOptions("cpu", InputSize: 64));
        using var input = randn([2, 3, 64, 64], generator: new Generator(3));
        // features.0 is a conv followed by a ReLU (features.1): it is captured after the ReLU; features.2 is a pool.
        string[] layers = ["features.0", "features.2", "features.3", "features.12"];
        foreach (var asHalf in new[] { false, true })
        {
            using var retained = model.Instrumented.Retain(layers, asHalf);
            var (now, output) = retained.Run(input);
            var stopped = retained.Capture(input);
            using (no_grad())
            {
                var x = input;
                var byHand = new Dictionary<string, Tensor>();
                for (var i = 0; i <= 12; i++)
                {
                    x = Child(model.Module, $"features.{i}").call(x);
                    byHand[$"features.{i}"] = asHalf ? x.to(ScalarType.Float16) : x;
                }
                foreach (var (layer, module) in new[] { ("features.0", "features.1"), ("features.2", "features.2"), ("features.3", "features.4"), ("features.12", "features.12") })
                {
                    AssertSame(byHand[module], now[layer], $"{layer} half={asHalf}");
                    AssertSame(byHand[module], stopped[layer], $"{layer} (stopped early) half={asHalf}");
                }
            }
            foreach (var t in now.Values.Concat(stopped.Values)) t.Dispose();
            output.Dispose();
        }
    }

    [Fact]
    public void An_edit_equals_editing_the_layer_by_hand_and_its_removal_restores_the_model()
    {
        using var model = AblationModels.Wrap(AblationModels.Random(6, 4, seed: 5), 4);
        using var input = randn([3, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(8));
        Tensor Zero2(Tensor t) { var c = t.clone(); c[TensorIndex.Colon, 2] = 0; return c; }
        using var noGrad = no_grad();
        using var before = model.Module.call(input);
        Tensor edited;
        using (model.Instrumented.Edit("conv2", Zero2)) edited = model.Module.call(input);
        // By hand: run the Sequential's children, zeroing unit 2 after conv2's ReLU.
        var resolved = model.Instrumented.Resolve("conv2");
        var x = input;
        foreach (var (name, m) in model.Module.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)m).call(x);
            if (name == resolved) x = Zero2(x);
        }
        AssertSame(x, edited, "edited output");
        using var after = model.Module.call(input);
        AssertSame(before, after, "after the edit's removal");
        edited.Dispose();
    }

    [Fact]
    public void Stacked_ablation_both_ways_equals_zeroing_units_by_hand()
    {
        var seq = AblationModels.Random(6, 4, seed: 5);
        using var splitModel = AblationModels.Wrap(seq, 4);
        using var opaqueModel = AblationModels.Wrap(new AblationModels.Opaque(seq), 4);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = randn([5, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(6));
        var keep = (rand([7, 6], generator: new Generator(9)) > 0.4).to_type(ScalarType.Float32);
        var resolved = splitModel.Instrumented.Resolve("conv2");
        // By hand: for each unit set, the Sequential's children with the removed units zeroed after conv2's ReLU.
        var expected = stack(Enumerable.Range(0, 7).Select(k =>
        {
            var y = x;
            foreach (var (name, m) in seq.named_children())
            {
                y = ((nn.Module<Tensor, Tensor>)m).call(y);
                if (name == resolved) y = y * keep[k].view(1, -1, 1, 1);
            }
            return y;
        }).ToList());
        foreach (var (model, layer, method) in new[] { (splitModel, "conv2", "split"), (opaqueModel, "body.conv2", "hooks") })
        {
            var ablation = StackedAblation.Create(model, layer, out _);
            Assert.Equal(method, ablation.Method);
            var logits = ablation.Ablate(ablation.Prepare(x), keep);
            Assert.True(allclose(expected, logits, rtol: 1e-5, atol: 1e-6), $"{method}: largest difference {(expected - logits).abs().max().item<float>()}");
        }
    }

    /// <summary>z viewed as (N,Z,1,1) and the generator's blocks run one by one; `edit` applied after `layer`.</summary>
    private static (Tensor Output, Dictionary<string, Tensor> Blocks) ByHand(ProgressiveGenerator g, Tensor z, string? layer = null, Func<Tensor, Tensor>? edit = null)
    {
        using var noGrad = no_grad();
        var x = z.view(z.shape[0], z.shape[1], 1, 1);
        var blocks = new Dictionary<string, Tensor>();
        foreach (var (name, m) in g.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)m).call(x);
            if (name == layer && edit is not null) x = edit(x);
            blocks[name] = x;
        }
        return (x, blocks);
    }

    /// <summary>The edits blended one unit at a time, alpha-over, in plain loops over cells (GAN dissection's formula).</summary>
    private static Tensor BlendByHand(Tensor x, IReadOnlyList<UnitEdit> edits)
    {
        long n = x.shape[0], units = x.shape[1], h = x.shape[2], w = x.shape[3];
        var alpha = new float[units, h, w];
        var target = new float[units, h, w];
        foreach (var e in edits)
        {
            var region = e.Region?.data<float>().ToArray();
            for (var i = 0; i < e.Units.Count; i++)
                for (var c = 0; c < h * w; c++)
                {
                    var (u, r, a) = (e.Units[i], e.Values?[i] ?? 0f, region?[c] ?? 1f);
                    target[u, c / w, c % w] = target[u, c / w, c % w] * (1 - a) + a * r;
                    alpha[u, c / w, c % w] = alpha[u, c / w, c % w] * (1 - a) + a;
                }
        }
        var values = x.contiguous().data<float>().ToArray();
        for (var b = 0; b < n; b++)
            for (var u = 0; u < units; u++)
                for (var c = 0; c < h * w; c++)
                {
                    var i = ((b * units + u) * h * w) + c;
                    values[i] = values[i] * (1 - alpha[u, c / w, c % w]) + target[u, c / w, c % w];
                }
        return tensor(values, x.shape);
    }

    private static UnitEdit[] Edits(string layer, int side, params int[][] units)
    {
        var gen = new Generator(11);
        return units.Select((u, i) => new UnitEdit(layer, u, i % 3 == 2 ? null : (rand([side, side], generator: gen) > 0.5).to_type(ScalarType.Float32),
            i % 2 == 0 ? u.Select(x => 1.5f + x).ToList() : null)).ToArray();
    }

    [Fact]
    public void Generator_capture_cut_and_edits_equal_the_blocks_run_by_hand()
    {
        using var g = GanFixture.Generator();
        using var z = randn(2, 8, generator: new Generator(5));
        var instrumented = InstrumentedModel.Of(g);
        var (plain, blocks) = ByHand(g, z);
        using (var retained = instrumented.Retain(["layer2", "layer4"]))
        {
            var captured = retained.Capture(z);
            foreach (var l in new[] { "layer2", "layer4" }) AssertSame(blocks[l], captured[l], l);
            foreach (var t in captured.Values) t.Dispose();
        }
        var cut = instrumented.Cut("layer2");
        using var head = cut.Head(z);
        AssertSame(blocks["layer2"], head, "head");
        AssertSame(plain, cut.Tail(head), "tail");

        // A unit listed twice goes one unit at a time; the others all at once.
        var edits = Edits("layer2", 4, [0, 3, 5], [1], [2, 3], [5, 5, 0]);
        using var applied = UnitEdit.Apply(head, edits);
        Assert.True(allclose(BlendByHand(head, edits), applied, rtol: 1e-6, atol: 1e-6), "applied");
        var (expected, _) = ByHand(g, z, "layer2", x => UnitEdit.Apply(x, edits));
        using var hooked = GanFixture.Generate(g, z, edits);
        AssertSame(expected, hooked, "hooked edits");
        AssertSame(expected, cut.Tail(applied), "cut edits");
    }

    [Fact]
    public async Task Paint_session_pictures_equal_the_blocks_run_by_hand()
    {
        using var g = GanFixture.Generator();
        using var shared = new SharedGenerator("fixture", g);
        using var session = new PaintSession(shared);
        const string layer = "layer4";
        var side = shared.LayerShape(layer)!.Value.Side;
        var rng = new Random(3);
        var strokes = new List<PaintStroke>();
        for (var k = 0; k < 5; k++)
        {
            var mask = Enumerable.Range(0, side * side).Select(_ => rng.Next(3) == 0).ToArray();
            var units = new[] { k % 6, (k + 2) % 6 };
            strokes.Add(new PaintStroke(null, units, k % 2 == 0 ? PaintMode.Paint : PaintMode.Erase,
                k % 2 == 0 ? [2f + k, 3f] : [], side, mask));
        }
        // Grow the strokes one at a time (the composition is reused), then undo two (it is rebuilt).
        foreach (var count in new[] { 0, 1, 2, 3, 4, 5, 3 })
        {
            var now = await session.RenderAsync(7, layer, strokes.Take(count).ToList());
            Assert.Equal(PngByHand(g, 7, layer, []), now.Original);
            Assert.Equal(PngByHand(g, 7, layer, strokes.Take(count).ToList()), now.Edited);
        }
    }

    /// <summary>The seed's latent through the blocks with the strokes applied after the layer, as PNG bytes.</summary>
    private static byte[] PngByHand(ProgressiveGenerator g, long seed, string layer, IReadOnlyList<PaintStroke> strokes)
    {
        using var scope = NewDisposeScope();
        using var zs = ZDataset.FromSeed(g.ZDim, seed, 1);
        var edits = strokes.Select(s => new UnitEdit(layer, s.Units, tensor(s.Mask.Select(m => m ? 1f : 0f).ToArray(), [s.Side, s.Side]),
            s.Mode == PaintMode.Paint ? s.Values : null)).ToList();
        var (output, _) = ByHand(g, zs.Batch(0, 1), layer, x => BlendByHand(x, edits));
        using var img = GeneratedImages.ToImage(output[0]);
        using var ms = new MemoryStream();
        img.SaveAsPng(ms);
        return ms.ToArray();
    }
}
