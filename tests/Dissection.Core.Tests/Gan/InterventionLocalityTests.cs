// Where an edit shows up in the picture: an empty region changes nothing at all, and ablating units in a few cells
// changes the image only within those cells' receptive field, most of it inside the cells themselves.
using Dissection.Core.Gan;
using TorchSharp;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class InterventionLocalityTests
{
    // 32 px: layer4 is 8×8, so one cell covers 4×4 output pixels.
    private static ProgressiveGenerator Generator()
    {
        var g = new ProgressiveGenerator(ProGanLayout.PerResolution(16, [16, 16, 12, 8]));
        g.InitialiseForTraining(5);
        g.eval();
        return g;
    }

    [Fact]
    public void Empty_mask_leaves_the_image_identical()
    {
        using var g = Generator();
        using var z = randn(2, 16, generator: new Generator(3));
        using var plain = GeneratorIntervention.Generate(g, z, []);
        var empty = UnitEdit.RegionAt(zeros(32, 32), 8);
        using var erased = GeneratorIntervention.Generate(g, z, [new UnitEdit("layer4", [0, 1, 2, 3, 4, 5], empty)]);
        using var painted = GeneratorIntervention.Generate(g, z, [new UnitEdit("layer4", [0, 1], empty, [5f, 7f])]);
        Assert.Equal(0f, (plain - erased).abs().max().item<float>());
        Assert.Equal(0f, (plain - painted).abs().max().item<float>());
    }

    [Fact]
    public void Ablating_in_a_region_changes_mostly_that_region()
    {
        using var g = Generator();
        using var z = randn(4, 16, generator: new Generator(4));
        // A stroke painted at image resolution over rows/cols 8..15 → layer4 cells 2..3 (8×8 grid).
        var painted = zeros(32, 32);
        painted[TensorIndex.Slice(8, 16), TensorIndex.Slice(8, 16)] = 1f;
        var region = UnitEdit.RegionAt(painted, 8);
        Assert.Equal(4f, region.sum().item<float>());

        using var plain = GeneratorIntervention.Generate(g, z, []);
        using var edited = GeneratorIntervention.Generate(g, z, [new UnitEdit("layer4", Enumerable.Range(0, 12).ToList(), region)]);
        var delta = (edited - plain).abs().sum([0, 1]);   // (32,32): change per pixel over images and colours
        var total = delta.sum().item<float>();
        Assert.True(total > 0, "ablating every unit of the region must change the picture");

        // Receptive field of layer4's cells in the output: layer5 (×2 + 3×3) and layer6 (3×3) at 16 px spread 2 px each,
        // layer7 (×2 + 3×3) and layer8 (3×3) at 32 px spread 1 px each: 6 px around the painted square. Beyond: nothing.
        var inField = zeros(32, 32, dtype: ScalarType.Bool);
        inField[TensorIndex.Slice(8 - 6, 16 + 6), TensorIndex.Slice(8 - 6, 16 + 6)] = true;
        Assert.Equal(0f, delta.masked_select(inField.logical_not()).sum().item<float>());

        // Inside the painted 8×8 square the change per pixel is far denser than in the rest of the receptive field
        // (20×20 px); random weights spread some of it to the neighbours (41 % of it stays inside the square).
        var inside = delta[TensorIndex.Slice(8, 16), TensorIndex.Slice(8, 16)].sum().item<float>();
        var densityInside = inside / 64;
        var densityAround = (total - inside) / (20 * 20 - 64);
        Assert.True(densityInside > 2 * densityAround, $"change per pixel {densityInside} inside vs {densityAround} around the square");
    }
}
