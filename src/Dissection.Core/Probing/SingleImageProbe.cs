// Runs a model on one image and captures one layer: the "your own image" path. The image is resized to the model's
// square input exactly as dataset images are (triangle filter, stretched), so its activations are comparable with the
// thresholds and top images of the run it is measured against.
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Dissection.Core.Probing;

public static class SingleImageProbe
{
    /// <summary>Resizes a copy of the image to the model's input, runs the model once and returns the layer's activations.</summary>
    public static ImageActivations Run(LoadedModel model, Image<Rgb24> image, string layer)
    {
        using var scope = NewDisposeScope();
        return Run(model, ToTensor(image, model.Preprocessing.InputSize), layer);
    }

    /// <summary>As above for an RGB (3,H,W) tensor in [0,1] already at the model's input size.</summary>
    public static ImageActivations Run(LoadedModel model, Tensor rgb01, string layer)
    {
        if (rgb01.dim() != 3 || rgb01.shape[0] != 3)
            throw new ArgumentException($"expected one RGB image (3,H,W), got [{string.Join(",", rgb01.shape)}]");
        using var scope = NewDisposeScope();
        using var probe = model.Instrumented.Retain([layer]);
        var (captured, output) = probe.Run(model.Preprocessing.Apply(rgb01.unsqueeze(0)));
        var acts = captured[layer];
        if (acts.dim() != 4)
        {
            acts.Dispose();
            output.Dispose();
            throw new ArgumentException($"layer '{layer}' gives a [{string.Join(",", acts.shape)}] output, not a (B,units,h,w) map");
        }
        var (units, h, w) = ((int)acts.shape[1], (int)acts.shape[2], (int)acts.shape[3]);
        var values = acts[0].to_type(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        float[]? probabilities = null;
        if (model.NumClasses is { } classes && output.dim() == 2 && output.shape[1] == classes)
            probabilities = nn.functional.softmax(output[0].to_type(ScalarType.Float32), 0).cpu().data<float>().ToArray();
        acts.Dispose();
        output.Dispose();
        return new ImageActivations(layer, units, h, w, values, probabilities);
    }

    /// <summary>The image as the model sees it: (3,size,size) RGB floats in [0,1].</summary>
    public static Tensor ToTensor(Image<Rgb24> image, int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        using var resized = image.Clone();
        ImageDecoding.ResizeSquare(resized, size);
        var data = new float[3 * size * size];
        ImageDecoding.CopyPlanarRgb(resized, data, 0);
        return tensor(data, [3L, size, size]);
    }
}
