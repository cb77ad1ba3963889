// One import of the shipped ImageNet featurizer shared by the tests of a class (parsing 64 MB takes a moment).
using Dissection.Core.Models.Onnx;

namespace Dissection.Core.Tests.Models;

public sealed class ImageNetResNet18Fixture : IDisposable
{
    internal OnnxResNet.Result Imported { get; } = OnnxResNet.Import(OnnxGraph.Read(ImageNetResNet18.ModelPath));
    public void Dispose() => Imported.Module.Dispose();
}
