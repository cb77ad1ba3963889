// Unit edits on a generator: the hooked run equals editing the block output by hand, strokes composite alpha-over,
// and the generator is untouched afterwards.
using Dissection.Core.Gan;
using TorchSharp;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class GeneratorInterventionTests
{
    private static ProgressiveGenerator Small()
    {
        var g = new ProgressiveGenerator(new ProGanLayout(6, [5, 5, 4, 4]));
        g.InitialiseForTraining(21);
        g.eval();
        return g;
    }

    /// <summary>The generator run block by block with `edit` applied to layer2's output.</summary>
    private static Tensor ByHand(ProgressiveGenerator g, Tensor z, Action<Tensor> edit)
    {
        using var _ = no_grad();
        var x = z.view(z.shape[0], z.shape[1], 1, 1);
        foreach (var (name, m) in g.named_children())
        {
            x = ((nn.Module<Tensor, Tensor>)m).call(x);
            if (name == "layer2") { x = x.clone(); edit(x); }
        }
        return x;
    }

    [Fact]
    public void Ablation_in_a_region_equals_zeroing_those_units_there_by_hand()
    {
        using var g = Small();
        using var z = randn(2, 6, generator: new Generator(1));
        var region = zeros(4, 4);
        region[0, 1] = 1f;
        region[2, 3] = 1f;
        using var edited = GeneratorIntervention.Generate(g, z, [new UnitEdit("layer2", [1, 3], region)]);
        using var expected = ByHand(g, z, x =>
        {
            foreach (var u in new[] { 1, 3 }) { x[TensorIndex.Colon, u, 0, 1] = 0f; x[TensorIndex.Colon, u, 2, 3] = 0f; }
        });
        Assert.True(allclose(edited, expected, rtol: 1e-5, atol: 1e-6));

        using var plain = g.call(z);
        Assert.False(allclose(edited, plain, rtol: 1e-5, atol: 1e-6));
        using var after = GeneratorIntervention.Generate(g, z, []);
        Assert.Equal(0f, (after - plain).abs().max().item<float>());
    }

    [Fact]
    public void Insertion_with_half_weight_blends_halfway_and_later_edits_cover_earlier_ones()
    {
        using var g = Small();
        using var z = randn(1, 6, generator: new Generator(2));
        var half = full(4, 4, 0.5f);
        var corner = zeros(4, 4);
        corner[0, 0] = 1f;
        using var edited = GeneratorIntervention.Generate(g, z,
            [new UnitEdit("layer2", [0], half, [3f]), new UnitEdit("layer2", [0], corner, [-2f])]);
        using var expected = ByHand(g, z, x =>
        {
            x[TensorIndex.Colon, 0] = x[TensorIndex.Colon, 0] * 0.5f + 1.5f;
            x[TensorIndex.Colon, 0, 0, 0] = -2f;
        });
        Assert.True(allclose(edited, expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Painted_mask_is_max_pooled_to_the_layer_grid()
    {
        var mask = zeros(16, 16);
        mask[5, 13] = 0.7f;
        using var cells = UnitEdit.RegionAt(mask, 4);
        Assert.Equal(new long[] { 4, 4 }, cells.shape);
        Assert.Equal(0.7f, cells[1, 3].item<float>(), 5);
        Assert.Equal(0.7f, cells.sum().item<float>(), 5);
    }

    [Fact]
    public void Bad_layer_unit_or_region_is_refused_with_the_reason()
    {
        using var g = Small();
        using var z = randn(1, 6);
        Assert.Contains("layer1, layer2", Assert.Throws<ArgumentException>(() => GeneratorIntervention.Generate(g, z, [new UnitEdit("layer9", [0])])).Message);
        Assert.Contains("unit 5", Assert.Throws<ArgumentException>(() => GeneratorIntervention.Generate(g, z, [new UnitEdit("layer2", [5])])).Message);
        Assert.Contains("RegionAt", Assert.Throws<ArgumentException>(() => GeneratorIntervention.Generate(g, z, [new UnitEdit("layer2", [0], zeros(8, 8))])).Message);
    }
}
