// Before the per-feature hook and split classes go: the instrumented model's capture, edit, cut and ablation, and the
// GAN paint session, give bit-for-bit what LayerProbe, UnitAblator, ModelSplit, GeneratorBlocks, LayerFeatures,
// GeneratorIntervention and the dashboard's playground path (head, strokes, tail, PNG) gave on the same inputs.
using Dissection.Core.Ablation;
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using Dissection.Core.Tests.Ablation;
using Dissection.Core.Tests.Gan;
using SixLabors.ImageSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Instrumentation;

public sealed class OldPathComparisonTests
{
    private static LoadedModel Load(string arch, int size) => ModelRegistry.Load(ModelSpec.Parse(arch), new ModelOptions("cpu", InputSize: size));

    private static void AssertSame(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.eq(actual).all().item<bool>(), $"{what}: largest difference {(expected.to_type(ScalarType.Float32) - actual.to_type(ScalarType.Float32)).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData("resnet18", 64, new[] { "conv1", "layer2", "layer4", "layer4.1.conv2" })]
    [InlineData("alexnet", 64, new[] { "features.0", "features.3", "features.10", "features.12" })]
    public void Retained_layers_equal_the_layer_probe_bit_for_bit(string arch, int size, string[] layers)
    {
        using var model = Load(arch, size);
        using var input = randn([2, 3, size, size], generator: new Generator(3));
        foreach (var asHalf in new[] { false, true })
        {
            using var probe = new LayerProbe(model, layers, asHalf);
            var (old, oldOut) = probe.Run(input);
            using var retained = model.Instrumented.Retain(layers, asHalf);
            var (now, nowOut) = retained.Run(input);
            AssertSame(oldOut, nowOut, "output");
            foreach (var l in layers) AssertSame(old[l], now[l], $"{arch} {l} half={asHalf}");
            var captured = retained.Capture(input);
            foreach (var l in layers) AssertSame(old[l], captured[l], $"{arch} {l} (stopped early) half={asHalf}");
            foreach (var t in old.Values.Concat(now.Values).Concat(captured.Values)) t.Dispose();
            oldOut.Dispose();
            nowOut.Dispose();
        }
    }

    [Fact]
    public void Layer_lists_and_resolution_equal_the_old_rules()
    {
        using var resnet = Load("resnet18", 64);
        using var alexnet = Load("alexnet", 64);
        using var vgg = AblationModels.Wrap(new AblationModels.VggLike(8, 3, seed: 4), 3);
        foreach (var model in new[] { resnet, alexnet, vgg })
        {
            var old = LayerProbe.ListLayers(model);
            var now = model.Instrumented.Layers();
            Assert.Equal(old.Select(l => (l.Name, l.ModuleType, string.Join(",", l.OutputShape))),
                now.Select(l => (l.Name, l.ModuleType, string.Join(",", l.OutputShape))));
            foreach (var l in now)
            {
                // One rule now, the ablation's, so capture, edit and cut see the same units. The probe's old rule
                // differed from it only where a Linear is followed by a ReLU (the probe kept it pre-ReLU) and where a
                // conv is followed by a BatchNorm and no ReLU (the probe kept the conv).
                var resolved = model.Instrumented.Resolve(l.Name);
                var hooked = HookAblator.ResolveTarget(model.Module, l.Name);
                Assert.Same(hooked, model.Module.named_modules().First(p => p.name == resolved).module);
                var probed = LayerProbe.CapturedModule(model, l.Name);
                if (probed != resolved)
                {
                    var next = model.Module.named_modules().First(p => p.name == resolved).module;
                    Assert.True(l.ModuleType == "Linear" && next is TorchSharp.Modules.ReLU
                                || l.ModuleType == "Conv2d" && next is TorchSharp.Modules.BatchNorm2d, $"{l.Name}: probe {probed}, now {resolved}");
                }
            }
        }
    }

    [Fact]
    public void Edits_equal_the_layer_probe_edit()
    {
        using var model = Load("resnet18", 64);
        using var input = randn([2, 3, 64, 64], generator: new Generator(8));
        Tensor Zero0(Tensor t) { var c = t.clone(); c[TensorIndex.Colon, 0] = 0; return c; }
        Tensor Forward() { using var g = no_grad(); return model.Module.call(input); }
        using var old = LayerProbe.Edit(model, "layer3", Zero0) is var h1 ? Forward() : null!;
        h1.Dispose();
        using var now = model.Instrumented.Edit("layer3", Zero0) is var h2 ? Forward() : null!;
        h2.Dispose();
        AssertSame(old, now, "edited logits");
    }

    [Fact]
    public void Cuts_equal_the_model_split()
    {
        using var resnet = new LoadedModel(new ModelSpec("resnet18", null), torchvision.models.resnet18(num_classes: 5),
            Preprocessing.ImageNet(64), CPU, 5, null);
        resnet.Module.eval();
        using var alexnet = new LoadedModel(new ModelSpec("alexnet", null), torchvision.models.alexnet(num_classes: 5),
            Preprocessing.ImageNet(67), CPU, 5, null);
        alexnet.Module.eval();
        using var vgg = AblationModels.Wrap(new AblationModels.VggLike(8, 3, seed: 4), 3);
        foreach (var (model, layer, size) in new[] { (resnet, "layer3", 64), (resnet, "layer1", 64), (alexnet, "features.8", 67),
                     (alexnet, "features.5", 67), (vgg, "features.conv2_1", AblationModels.Size) })
            foreach (var pool in new[] { false, true })
            {
                var split = ModelSplit.TryCreate(model, layer, out var reason) ?? throw new Xunit.Sdk.XunitException(reason);
                if (pool) split = split.WithGlobalPoolInHead() ?? split;
                var cut = model.Instrumented.TryCut(layer, out reason, pool) ?? throw new Xunit.Sdk.XunitException(reason);
                Assert.Equal(split.CutAfter, cut.CutAfter);
                Assert.Equal(split.TailSteps, cut.TailSteps);
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var x = randn([3, 3, size, size], generator: new Generator(5));
                AssertSame(split.Head(x), cut.Head(x), $"{layer} head");
                var units = split.Head(x) * 0.5f;
                AssertSame(split.Tail(units), cut.Tail(units), $"{layer} tail");
            }
    }

    [Fact]
    public void Stacked_ablation_equals_the_unit_ablator_both_ways()
    {
        var seq = AblationModels.Random(6, 4, seed: 5);
        using var splitModel = AblationModels.Wrap(seq, 4);
        using var opaqueModel = AblationModels.Wrap(new AblationModels.Opaque(seq), 4);
        using var vgg = AblationModels.Wrap(new AblationModels.VggLike(8, 3, seed: 4), 3);
        foreach (var (model, layer, method) in new[] { (splitModel, "conv2", "split"), (opaqueModel, "body.conv2", "hooks"),
                     (vgg, "features.conv2_1", "split") })
        {
            var old = UnitAblator.Create(model, layer, out var oldNote);
            var now = StackedAblation.Create(model, layer, out var note);
            Assert.Equal(method, old.Method);
            Assert.Equal(method, now.Method);
            Assert.Equal(oldNote, note);
            using var scope = NewDisposeScope();
            var x = randn([5, 3, AblationModels.Size, AblationModels.Size], generator: new Generator(6));
            var a = old.Prepare(x);
            var b = now.Prepare(x);
            AssertSame(a, b, $"{layer} prepared");
            var units = method == "split" ? a.shape[1] : 6;
            var keep = (rand([7, units], generator: new Generator(9)) > 0.4).to_type(ScalarType.Float32);
            AssertSame(old.Ablate(a, keep), now.Ablate(b, keep), $"{layer} ablated logits");
        }
    }

    [Fact]
    public void Generator_capture_equals_generator_blocks()
    {
        using var g = GanFixture.Generator();
        using var z = randn(3, 8, generator: new Generator(4));
        var old = GeneratorBlocks.Capture(g, z, ["layer2", "layer4"]);
        using var retained = InstrumentedModel.Of(g).Retain(["layer2", "layer4"]);
        var now = retained.Capture(z);
        foreach (var l in new[] { "layer2", "layer4" }) AssertSame(old[l], now[l], l);
        foreach (var t in old.Values.Concat(now.Values)) t.Dispose();
    }

    private static UnitEdit[] Edits(string layer, int side, params int[][] units)
    {
        var gen = new Generator(11);
        return units.Select((u, i) => new UnitEdit(layer, u, i % 3 == 2 ? null : (rand([side, side], generator: gen) > 0.5).to_type(ScalarType.Float32),
            i % 2 == 0 ? u.Select(x => 1.5f + x).ToList() : null)).ToArray();
    }

    [Fact]
    public void Generator_edits_equal_generator_intervention()
    {
        using var g = GanFixture.Generator();
        using var z = randn(2, 8, generator: new Generator(5));
        var edits = Edits("layer2", 4, [0, 3, 5], [1], [2, 3], [5, 5, 0]);
        using var features = GeneratorBlocks.Run(g, GeneratorBlocks.Input(g, z), 0, 1);
        using var oldApplied = GeneratorIntervention.Apply(features, edits);
        using var nowApplied = UnitEdit.Apply(features, edits);
        AssertSame(oldApplied, nowApplied, "applied");

        using var old = GeneratorIntervention.Generate(g, z, edits);
        var instrumented = InstrumentedModel.Of(g);
        Tensor now;
        using (instrumented.Edit(edits))
        using (no_grad())
            now = g.call(z);
        AssertSame(old, now, "generated");

        using var layerFeatures = LayerFeatures.Compute(g, z, "layer2");
        var cut = instrumented.Cut("layer2");
        using var head = cut.Head(z);
        AssertSame(layerFeatures.Features, head, "head");
        using var oldRender = layerFeatures.Render(edits);
        using var nowRender = cut.Tail(UnitEdit.Apply(head, edits));
        AssertSame(oldRender, nowRender, "rendered");
        now.Dispose();
    }

    [Fact]
    public async Task Paint_session_pictures_equal_the_old_playground_path()
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
            Assert.Equal(OldPlaygroundPng(g, 7, layer, []), now.Original);
            Assert.Equal(OldPlaygroundPng(g, 7, layer, strokes.Take(count).ToList()), now.Edited);
        }
    }

    /// <summary>GanPlaygroundService.HeadAsync, TailAsync and Png as they were, with the stroke mask turned into a
    /// region tensor on every render as PaintStroke.ToEdit did.</summary>
    private static byte[] OldPlaygroundPng(ProgressiveGenerator g, long seed, string layer, IReadOnlyList<PaintStroke> strokes)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var stop = GeneratorBlocks.IndexOf(g, layer);
        using var zs = ZDataset.FromSeed(g.ZDim, seed, 1);
        var head = GeneratorBlocks.Run(g, GeneratorBlocks.Input(g, zs.Batch(0, 1)), 0, stop);
        var edits = strokes.Select(s => new UnitEdit(layer, s.Units, tensor(s.Mask.Select(m => m ? 1f : 0f).ToArray(), [s.Side, s.Side]),
            s.Mode == PaintMode.Paint ? s.Values : null)).ToList();
        var x = strokes.Count == 0 ? head : GeneratorIntervention.Apply(head, edits);
        x = GeneratorBlocks.Run(g, x, stop + 1, g.Layout.LayerCount);
        using var img = GeneratedImages.ToImage(x[0]);
        using var ms = new MemoryStream();
        img.SaveAsPng(ms);
        return ms.ToArray();
    }
}
