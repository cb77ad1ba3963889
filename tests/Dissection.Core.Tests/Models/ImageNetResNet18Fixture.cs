// The shipped ImageNet featurizer, imported once per test class (parsing 64 MB takes a moment): directly, for the
// mapping, and through the model registry, as the CLI and dashboard load it.
using Dissection.Core.Models;
using Dissection.Core.Models.Onnx;

namespace Dissection.Core.Tests.Models;

public sealed class ImageNetResNet18Fixture : IDisposable
{
    internal OnnxResNet.Result Imported { get; } = OnnxResNet.Import(OnnxGraph.Read(ImageNetResNet18.ModelPath));
    public LoadedModel Loaded { get; } = ModelRegistry.Load(ModelSpec.Parse(ImageNetResNet18.Name), new ModelOptions(Device: "cpu"));

    public void Dispose()
    {
        Imported.Module.Dispose();
        Loaded.Dispose();
    }
}
