// Head once, tail many: rendering cached features gives exactly what the full generator (with hooked edits) gives,
// an empty region changes nothing, an edit in a region changes mostly that region, and edits on another layer or an
// unknown layer are refused with the generator's layer list.
using Dissection.Core.Gan;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class LayerFeaturesTests
{
    [Fact]
    public void Rendering_without_edits_equals_the_full_generator()
    {
        using var g = GanFixture.Generator();
        using var z = randn(3, 8, generator: new Generator(4));
        using var features = LayerFeatures.Compute(g, z, "layer3");
        Assert.Equal(new long[] { 3, 6, 8, 8 }, features.Features.shape);
        Assert.Equal(8, features.Size);
        using var full = g.call(z);
        using var cached = features.Render([]);
        Assert.Equal(0f, (full - cached).abs().max().item<float>());
    }

    [Fact]
    public void Rendering_edits_equals_the_hooked_generator_and_an_empty_region_changes_nothing()
    {
        using var g = GanFixture.Generator();
        using var z = randn(2, 8, generator: new Generator(5));
        using var features = LayerFeatures.Compute(g, z, "layer2");
        var region = zeros(4, 4);
        region[1, 2] = 1f;
        var edits = new[] { new UnitEdit("layer2", [0, 3, 5], region, [2f, 2f, 2f]), new UnitEdit("layer2", [1], null) };
        using var expected = GeneratorIntervention.Generate(g, z, edits);
        using var cached = features.Render(edits);
        Assert.True(allclose(expected, cached, rtol: 1e-6, atol: 1e-6));

        using var plain = features.Render([]);
        using var empty = features.Render([new UnitEdit("layer2", [0, 1, 2, 3, 4, 5, 6, 7], zeros(4, 4), Enumerable.Repeat(5f, 8).ToList())]);
        Assert.Equal(0f, (plain - empty).abs().max().item<float>());
    }

    [Fact]
    public void Ablating_in_a_region_changes_mostly_that_region()
    {
        using var g = new ProgressiveGenerator(new ProGanLayout(8, [8, 8, 8, 8, 6, 6]));   // 16×16 images
        g.InitialiseForTraining(9);
        g.eval();
        using var z = randn(4, 8, generator: new Generator(6));
        using var features = LayerFeatures.Compute(g, z, "layer4");                      // 8×8 grid
        var mask = zeros(16, 16);
        mask[TensorIndex.Slice(0, 8), TensorIndex.Slice(0, 8)] = 1f;                        // top-left quarter
        var edit = new UnitEdit("layer4", Enumerable.Range(0, 8).ToList(), UnitEdit.RegionAt(mask, features.Size));
        using var plain = features.Render([]);
        using var edited = features.Render([edit]);
        using var change = (edited - plain).abs().sum([0, 1]);                               // (16,16)
        var inside = change[TensorIndex.Slice(0, 8), TensorIndex.Slice(0, 8)].sum().item<float>();
        var total = change.sum().item<float>();
        Assert.True(total > 0);
        Assert.True(inside / total > 0.5, $"only {inside / total:P0} of the change is inside the painted quarter");
    }

    [Fact]
    public void Unknown_layers_and_edits_on_other_layers_are_refused()
    {
        using var g = GanFixture.Generator();
        using var z = randn(1, 8);
        var e = Assert.Throws<ArgumentException>(() => LayerFeatures.Compute(g, z, "layer7"));
        Assert.Contains("layer1, layer2, layer3, layer4, output_8x8", e.Message);
        Assert.Throws<ArgumentException>(() => LayerFeatures.Compute(g, z, "output_8x8"));
        Assert.Throws<ArgumentException>(() => LayerFeatures.Compute(g, randn(1, 5), "layer2"));
        using var features = LayerFeatures.Compute(g, z, "layer2");
        Assert.Contains("layer3", Assert.Throws<ArgumentException>(() => features.Render([new UnitEdit("layer3", [0])])).Message);
        Assert.Throws<ArgumentException>(() => features.Render([new UnitEdit("layer2", [8])]));
    }
}
