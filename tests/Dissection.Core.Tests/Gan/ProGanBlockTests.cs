// PixelNorm, WScale and the generator blocks against by-hand computations on small inputs.
using Dissection.Core.Gan;
using TorchSharp;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class ProGanBlockTests
{
    [Fact]
    public void PixelNorm_divides_each_pixel_by_its_channel_rms()
    {
        using var x = randn(2, 3, 2, 2, generator: new Generator(1));
        using var y = new PixelNorm().call(x);
        var xs = x.data<float>().ToArray();
        var ys = y.data<float>().ToArray();
        for (var n = 0; n < 2; n++)
        for (var p = 0; p < 4; p++)
        {
            double ms = 0;
            for (var c = 0; c < 3; c++) ms += Math.Pow(xs[n * 12 + c * 4 + p], 2) / 3;
            for (var c = 0; c < 3; c++)
                Assert.Equal(xs[n * 12 + c * 4 + p] / Math.Sqrt(ms + 1e-8), ys[n * 12 + c * 4 + p], 5);
        }
    }

    [Fact]
    public void WScale_multiplies_by_gain_over_sqrt_fan_in_and_adds_the_channel_bias()
    {
        var w = new WScale(channels: 2, fanIn: 8, gain: Math.Sqrt(2) / 3);
        Assert.Equal(Math.Sqrt(2.0 / (8 * 9)), w.Scale, 12);
        using (no_grad()) w.Bias.copy_(tensor(new[] { 0.5f, -1f }));
        using var x = tensor(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }).view(1, 2, 2, 2);
        var y = w.call(x).data<float>().ToArray();
        for (var i = 0; i < 8; i++) Assert.Equal((i + 1) * w.Scale + (i < 4 ? 0.5 : -1), y[i], 5);
        Assert.Equal(["b"], w.state_dict().Keys);
    }

    [Fact]
    public void Output_block_scale_is_one_over_sqrt_in_channels_and_has_no_tanh()
    {
        var block = new OutputConvBlock(16);
        Assert.Equal(1 / Math.Sqrt(16), block.WScale.Scale, 12);
        using (no_grad()) block.Conv.weight!.fill_(10f);
        using var x = ones(1, 16, 2, 2);
        var y = block.call(x).data<float>().ToArray();
        // PixelNorm of all-ones is ones; the conv sums 16 tens = 160; ×1/4 = 40: well outside [-1,1], not squashed.
        Assert.All(y, v => Assert.Equal(40f, v, 3));
    }

    [Fact]
    public void Upscale_block_equals_norm_then_nearest_repeat_then_scaled_conv_and_leaky_relu()
    {
        var block = new NormConvBlock(4, 5, kernel: 3, padding: 1, upscale: true);
        using (no_grad()) { block.Conv.weight!.normal_(generator: new Generator(3)); block.WScale.Bias.normal_(generator: new Generator(4)); }
        using var x = randn(2, 4, 3, 3, generator: new Generator(5));
        using var actual = block.call(x);

        using var normed = x / (x.pow(2).mean([1], keepdim: true) + 1e-8).sqrt();
        using var up = normed.repeat_interleave(2, dim: 2).repeat_interleave(2, dim: 3);
        using var conv = nn.functional.conv2d(up, block.Conv.weight!, padding: [1, 1]);
        using var pre = conv * Math.Sqrt(2.0 / (4 * 9)) + block.WScale.Bias.view(1, -1, 1, 1);
        using var expected = where(pre > 0, pre, pre * 0.2);
        Assert.Equal(new long[] { 2, 5, 6, 6 }, actual.shape);
        Assert.True(allclose(actual, expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void First_layer_turns_a_latent_into_a_4x4_map()
    {
        var g = new ProgressiveGenerator(new ProGanLayout(8, [6, 6]));
        using var z = randn(3, 8);
        using var img = g.call(z);
        Assert.Equal(new long[] { 3, 3, 4, 4 }, img.shape);
        Assert.Equal(["layer1", "layer2", "output_4x4"], g.named_children().Select(c => c.name));
    }
}
