// The world segmenter's outputs: head channels map to the dataset's label numbers, colour follows the world's own rule
// exactly, and weights round-trip through a PyTorch-format file.
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.World;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

public class WorldSegmenterTests
{
    private static WorldSegmenter Small() => new([[0, 1, 2, 7], [0, 40], [0, 55, 60]]);

    [Fact]
    public void Head_channels_become_label_numbers()
    {
        using var seg = Small();
        seg.eval();
        using (no_grad())
            foreach (var (name, p) in seg.named_parameters())
            {
                if (!name.StartsWith("head_")) continue;
                p.zero_();
                // biases pick channel 3 (label 7) for objects, 1 (label 40) for parts, 2 (label 60) for materials
                if (name == "head_object.bias") p[3] = 5f;
                if (name == "head_part.bias") p[1] = 5f;
                if (name == "head_material.bias") p[2] = 5f;
            }
        using var img = rand(2, 3, 16, 24, generator: new Generator(1));
        using var planes = seg.SegmentPlanes(img);
        Assert.Equal(new long[] { 2, 4, 16, 24 }, planes.shape);
        Assert.True(planes.select(1, 0).eq(7).all().item<bool>());
        Assert.True(planes.select(1, 1).eq(40).all().item<bool>());
        Assert.True(planes.select(1, 2).eq(60).all().item<bool>());
        Assert.Equal(["object", "part", "material", "color"], seg.PlaneCategories);
        var labels = seg.Segment(img);
        Assert.Equal(2, labels.Count);
        Assert.Equal(16 * 24, labels[1].Planes[0].Length);
        Assert.All(labels[1].Planes[2], v => Assert.Equal(60, v));
    }

    [Fact]
    public void Colour_plane_is_the_world_rule_on_block_means()
    {
        using var img = rand(2, 3, 8, 8, generator: new Generator(2));
        using var plane = WorldSegmenter.ColorPlane(img, segSize: 4);
        Assert.Equal(new long[] { 2, 4, 4 }, plane.shape);
        var bytes = (img * 255f).round().clamp(0, 255).to_type(ScalarType.Int32).data<int>().ToArray();
        var got = plane.data<long>().ToArray();
        for (var n = 0; n < 2; n++)
        for (var sy = 0; sy < 4; sy++)
        for (var sx = 0; sx < 4; sx++)
        {
            var rgb = new int[3];
            for (var c = 0; c < 3; c++)
            for (var dy = 0; dy < 2; dy++)
            for (var dx = 0; dx < 2; dx++)
                rgb[c] += bytes[((n * 3 + c) * 8 + sy * 2 + dy) * 8 + sx * 2 + dx];
            Assert.Equal(ColorNaming.Nearest(rgb[0] / 4, rgb[1] / 4, rgb[2] / 4), got[(n * 4 + sy) * 4 + sx]);
        }
    }

    [Fact]
    public void Weights_round_trip_and_a_foreign_file_is_refused()
    {
        using var dir = new TempDir();
        var path = dir.File("seg.pt");
        using var seg = Small();
        seg.eval();
        seg.SaveWeights(path);
        using var loaded = WorldSegmenter.Load(path);
        Assert.Equal(seg.HeadLabels[2], loaded.HeadLabels[2]);
        using var img = rand(1, 3, 16, 16, generator: new Generator(3));
        using (no_grad()) Assert.Equal(0f, (seg.call(img) - loaded.call(img)).abs().max().item<float>());

        var other = dir.File("g.pth");
        using (var g = new ProgressiveGenerator(new ProGanLayout(8, [4, 4]))) g.save_py(other);
        Assert.Contains("labels_object", Assert.Throws<InvalidDataException>(() => WorldSegmenter.Load(other)).Message);
    }
}
