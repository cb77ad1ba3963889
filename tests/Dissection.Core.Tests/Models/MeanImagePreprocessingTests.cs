// A per-pixel mean image (Caffe style) is subtracted pixel by pixel, follows the input size, and gives way to an
// explicit mean from the command line or a checkpoint's sidecar.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

public sealed class MeanImagePreprocessingTests
{
    private static readonly float[] Pixels = Enumerable.Range(0, 3 * 2 * 3).Select(i => 10f * i + 0.5f).ToArray();
    private static readonly Preprocessing Caffe =
        new(3, new MeanImage(Pixels, 2, 3).ChannelMeans(), [1f, 1f, 1f], Bgr: true, ValueRange: 255f) { MeanImage = new MeanImage(Pixels, 2, 3) };

    [Fact]
    public void Subtracts_each_pixels_mean_after_reorder_and_scale()
    {
        using var x = rand(2, 3, 2, 3);
        using var y = Caffe.Apply(x);
        for (int b = 0; b < 2; b++)
            for (int c = 0; c < 3; c++)
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 3; j++)
                    {
                        float expected = x[b, 2 - c, i, j].item<float>() * 255f - Pixels[(c * 2 + i) * 3 + j];
                        Assert.Equal(expected, y[b, c, i, j].item<float>(), 4);
                    }
    }

    [Fact]
    public void Channel_means_average_each_plane()
    {
        var means = new MeanImage(Pixels, 2, 3).ChannelMeans();
        for (int c = 0; c < 3; c++)
            Assert.Equal(Pixels.Skip(c * 6).Take(6).Average(), means[c], 4);
    }

    [Fact]
    public void Resizes_to_the_input_size()
    {
        // A mean image that is constant per channel stays that constant at any size.
        var flat = new MeanImage(Enumerable.Range(0, 3).SelectMany(c => Enumerable.Repeat(100f + c, 4)).ToArray(), 2, 2);
        var p = new Preprocessing(2, flat.ChannelMeans(), [1f, 1f, 1f], ValueRange: 255f) { MeanImage = flat };
        using var x = zeros(1, 3, 5, 7);
        using var y = p.Apply(x);
        Assert.Equal(new long[] { 1, 3, 5, 7 }, y.shape);
        for (int c = 0; c < 3; c++)
            Assert.Equal(-(100f + c), y[0, c].max().item<float>(), 4);
    }

    [Fact]
    public void Wrong_pixel_count_is_an_argument_error()
    {
        var bad = new MeanImage(new float[10], 2, 3);
        Assert.Throws<ArgumentException>(() => bad.ChannelMeans());
        var p = Caffe with { MeanImage = bad };
        using var x = rand(1, 3, 2, 3);
        Assert.Throws<ArgumentException>(() => p.Apply(x));
    }

    [Fact]
    public void Explicit_mean_from_sidecar_replaces_the_mean_image()
    {
        var meta = new CheckpointMetadata(Mean: [1f, 2f, 3f]);
        var p = meta.ApplyTo(Caffe);
        Assert.Null(p.MeanImage);
        using var x = zeros(1, 3, 2, 3);
        using var y = p.Apply(x);
        Assert.Equal(-1f, y[0, 0, 1, 1].item<float>());
        Assert.Same(Caffe.MeanImage, new CheckpointMetadata().ApplyTo(Caffe).MeanImage);
    }
}
