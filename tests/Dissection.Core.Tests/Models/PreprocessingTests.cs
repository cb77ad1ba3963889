// Turning RGB [0,1] batches into model input, checked against per-pixel arithmetic.
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

public class PreprocessingTests
{
    [Fact]
    public void ImageNet_subtracts_mean_and_divides_std_per_channel()
    {
        using var x = rand(2, 3, 4, 5);
        using var y = Preprocessing.ImageNet().Apply(x);
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        for (var c = 0; c < 3; c++)
        {
            var expected = (x[1, c, 2, 3].item<float>() - mean[c]) / std[c];
            Assert.Equal(expected, y[1, c, 2, 3].item<float>(), 5);
        }
        Assert.Equal(x.shape, y.shape);
    }

    [Fact]
    public void Bgr_and_255_flip_channels_then_scale_then_normalise()
    {
        // Caffe style: BGR, 0..255, mean only.
        var p = new Preprocessing(224, [103.06f, 115.90f, 123.15f], [1f, 1f, 1f], Bgr: true, ValueRange: 255f);
        using var x = rand(1, 3, 3, 3);
        using var y = p.Apply(x);
        for (var c = 0; c < 3; c++)
        {
            var source = x[0, 2 - c, 1, 2].item<float>();
            Assert.Equal(source * 255f - p.Mean[c], y[0, c, 1, 2].item<float>(), 3);
        }
    }

    [Fact]
    public void Non_image_batch_throws()
    {
        using var x = rand(3, 8, 8);
        Assert.Throws<ArgumentException>(() => Preprocessing.ImageNet().Apply(x));
    }
}
