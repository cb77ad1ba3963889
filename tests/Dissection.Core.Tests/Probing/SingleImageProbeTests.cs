// One image through a model: the captured layer equals a direct probe of the same preprocessed input, the class
// probabilities are the softmax of the logits, any aspect ratio or grayscale image is resized to the model's input,
// and the most active units are ranked by peak / threshold as a brute-force ranking says.
using Dissection.Core.Instrumentation;
using Dissection.Core.Probing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Probing;

public class SingleImageProbeTests
{
    internal static Image<Rgb24> Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new Image<Rgb24>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        return image;
    }

    [Fact]
    public void Activations_and_probabilities_equal_a_direct_forward_pass()
    {
        using var model = TinyProbeModel.Create();
        using var image = Noise(50, 41, 1);
        var result = SingleImageProbe.Run(model, image, TinyProbeModel.Layer);

        using var scope = NewDisposeScope();
        var input = SingleImageProbe.ToTensor(image, TinyProbeModel.Size);
        using var probe = model.Instrumented.Retain([TinyProbeModel.Layer]);
        var (acts, logits) = probe.Run(model.Preprocessing.Apply(input.unsqueeze(0)));
        var expected = acts[TinyProbeModel.Layer];
        Assert.Equal((TinyProbeModel.Units, 16, 16), (result.Units, result.Height, result.Width));
        Assert.Equal(expected.data<float>().ToArray(), result.Values);
        var softmax = nn.functional.softmax(logits[0], 0).data<float>().ToArray();
        Assert.NotNull(result.Probabilities);
        Assert.Equal(softmax, result.Probabilities);
        Assert.Equal(1.0, result.Probabilities!.Sum(), 5);
        expected.Dispose();
    }

    [Fact]
    public void Grayscale_and_one_to_eight_images_are_stretched_to_the_square_input()
    {
        using var model = TinyProbeModel.Create();
        using var tall = Noise(16, 128, 2);
        using var gray = new Image<L8>(40, 30);
        for (var x = 0; x < 40; x++) gray[x, 10] = new L8(200);
        using var grayRgb = gray.CloneAs<Rgb24>();
        foreach (var image in new[] { tall, grayRgb })
        {
            using var t = SingleImageProbe.ToTensor(image, TinyProbeModel.Size);
            Assert.Equal([3L, TinyProbeModel.Size, TinyProbeModel.Size], t.shape);
            var result = SingleImageProbe.Run(model, image, TinyProbeModel.Layer);
            Assert.Equal(TinyProbeModel.Units * 16 * 16, result.Values.Length);
        }
        using var g = SingleImageProbe.ToTensor(grayRgb, TinyProbeModel.Size);
        Assert.True(g[0].allclose(g[1], 0, 0) && g[1].allclose(g[2], 0, 0), "a grey image has equal channels");
    }

    [Fact]
    public void Unknown_layer_is_refused_with_the_valid_names()
    {
        using var model = TinyProbeModel.Create();
        using var image = Noise(32, 32, 3);
        var e = Assert.Throws<ArgumentException>(() => SingleImageProbe.Run(model, image, "features.conv9"));
        Assert.Contains("features.conv2", e.Message);
    }

    [Fact]
    public void Most_active_units_are_ranked_by_peak_over_threshold()
    {
        var random = new Random(4);
        var values = Enumerable.Range(0, 10 * 3 * 3).Select(_ => (float)random.NextDouble() * 5).ToArray();
        var acts = new ImageActivations("x", 10, 3, 3, values, null);
        var thresholds = Enumerable.Range(0, 10).ToDictionary(u => u, u => 0.5f + u * 0.4f);
        thresholds[3] = 0f;                   // unusable: skipped
        thresholds[4] = float.NaN;            // unusable: skipped
        var brute = Enumerable.Range(0, 10).Where(u => u is not (3 or 4))
            .Select(u => (Unit: u, Ratio: values.Skip(u * 9).Take(9).Max() / thresholds[u]))
            .OrderByDescending(p => p.Ratio).Select(p => p.Unit).Take(5).ToList();
        var ranked = acts.MostActive(thresholds, 5);
        Assert.Equal(brute, ranked.Select(a => a.Unit));
        Assert.All(ranked, a => Assert.Equal(values.Skip(a.Unit * 9).Take(9).Max(), a.Peak));
        Assert.Equal(8, acts.MostActive(thresholds, 100).Count);
    }

    [Fact]
    public void Top_classes_are_the_most_probable_first()
    {
        var acts = new ImageActivations("x", 1, 1, 1, [0f], [0.1f, 0.5f, 0.15f, 0.25f]);
        Assert.Equal([1, 3, 2], acts.TopClasses(3).Select(c => c.Class));
        Assert.Empty(new ImageActivations("x", 1, 1, 1, [0f], null).TopClasses(5));
    }
}
