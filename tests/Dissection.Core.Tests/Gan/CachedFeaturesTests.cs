// Head once, tail many, on a generator: rendering cached features through the cut gives exactly what the full
// generator (with hooked edits) gives, an empty region changes nothing, an edit in a region changes mostly that
// region, and bad layers, latents and units are refused.
using Dissection.Core.Models;
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class CachedFeaturesTests
{
    private static Tensor Render(LayerCut cut, Tensor features, IReadOnlyList<UnitEdit> edits)
    {
        using var scope = NewDisposeScope();
        return cut.Tail(edits.Count == 0 ? features : UnitEdit.Apply(features, edits)).MoveToOuterDisposeScope();
    }

    [Fact]
    public void Rendering_without_edits_equals_the_full_generator()
    {
        using var g = GanFixture.Generator();
        using var z = randn(3, 8, generator: new Generator(4));
        var cut = InstrumentedModel.Of(g).Cut("layer3");
        using var features = cut.Head(z);
        Assert.Equal(new long[] { 3, 6, 8, 8 }, features.shape);
        using var full = g.call(z);
        using var cached = Render(cut, features, []);
        Assert.Equal(0f, (full - cached).abs().max().item<float>());
    }

    [Fact]
    public void Rendering_edits_equals_the_hooked_generator_and_an_empty_region_changes_nothing()
    {
        using var g = GanFixture.Generator();
        using var z = randn(2, 8, generator: new Generator(5));
        var cut = InstrumentedModel.Of(g).Cut("layer2");
        using var features = cut.Head(z);
        var region = zeros(4, 4);
        region[1, 2] = 1f;
        var edits = new[] { new UnitEdit("layer2", [0, 3, 5], region, [2f, 2f, 2f]), new UnitEdit("layer2", [1], null) };
        using var expected = GanFixture.Generate(g, z, edits);
        using var cached = Render(cut, features, edits);
        Assert.True(allclose(expected, cached, rtol: 1e-6, atol: 1e-6));

        using var plain = Render(cut, features, []);
        using var empty = Render(cut, features, [new UnitEdit("layer2", [0, 1, 2, 3, 4, 5, 6, 7], zeros(4, 4), Enumerable.Repeat(5f, 8).ToList())]);
        Assert.Equal(0f, (plain - empty).abs().max().item<float>());
    }

    [Fact]
    public void Ablating_in_a_region_changes_mostly_that_region()
    {
        using var g = new ProgressiveGenerator(new ProGanLayout(8, [8, 8, 8, 8, 6, 6]));   // 16×16 images
        g.InitialiseForTraining(9);
        g.eval();
        using var z = randn(4, 8, generator: new Generator(6));
        var cut = InstrumentedModel.Of(g).Cut("layer4");
        using var features = cut.Head(z);                                                  // 8×8 grid
        var mask = zeros(16, 16);
        mask[TensorIndex.Slice(0, 8), TensorIndex.Slice(0, 8)] = 1f;                        // top-left quarter
        var edit = new UnitEdit("layer4", Enumerable.Range(0, 8).ToList(), UnitEdit.RegionAt(mask, (int)features.shape[2]));
        using var plain = Render(cut, features, []);
        using var edited = Render(cut, features, [edit]);
        using var change = (edited - plain).abs().sum([0, 1]);                               // (16,16)
        var inside = change[TensorIndex.Slice(0, 8), TensorIndex.Slice(0, 8)].sum().item<float>();
        var total = change.sum().item<float>();
        Assert.True(total > 0);
        Assert.True(inside / total > 0.5, $"only {inside / total:P0} of the change is inside the painted quarter");
    }

    [Fact]
    public void Unknown_layers_the_output_block_bad_latents_and_units_are_refused()
    {
        using var g = GanFixture.Generator();
        using var z = randn(1, 8);
        var instrumented = InstrumentedModel.Of(g);
        Assert.Contains("unknown layer 'layer7'", Assert.Throws<ArgumentException>(() => instrumented.Cut("layer7")).Message);
        Assert.Contains("output", Assert.Throws<ArgumentException>(() => instrumented.Cut("output_8x8")).Message);
        var cut = instrumented.Cut("layer2");
        Assert.Contains("channels", Assert.Throws<ArgumentException>(() => cut.Head(randn(1, 5))).Message);
        using var features = cut.Head(z);
        Assert.Contains("unit 8", Assert.Throws<ArgumentException>(() => UnitEdit.Apply(features, [new UnitEdit("layer2", [8])])).Message);
        // The paint session names the generator's editable layers.
        using var shared = new SharedGenerator("fixture", GanFixture.Generator());
        Assert.Contains("'output_8x8' is not a layer of fixture; layers: layer1, layer2, layer3, layer4",
            Assert.Throws<ArgumentException>(() => shared.CheckLayer("output_8x8")).Message);
    }
}
