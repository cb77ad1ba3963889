// Runs an ONNX file with ONNX Runtime, the reference our TorchSharp import is checked against (test-only dependency).
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Dissection.Core.Tests.Models;

internal sealed class OnnxRuntimeOracle(string path) : IDisposable
{
    private readonly InferenceSession session = new(path);

    /// <summary>Feeds one (1, C, H, W) image to the graph's only input and returns its only output, flattened.</summary>
    public float[] Run(float[] chw, int channels, int height, int width)
    {
        var input = new DenseTensor<float>(chw, [1, channels, height, width]);
        var name = session.InputMetadata.Keys.Single();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(name, input)]);
        return results.Single().AsTensor<float>().ToArray();
    }

    public void Dispose() => session.Dispose();
}
