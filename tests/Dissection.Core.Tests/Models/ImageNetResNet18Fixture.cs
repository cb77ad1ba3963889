// The shipped ImageNet featurizer, imported once for the test classes of its collection (parsing 64 MB takes a
// moment): directly, for the mapping, and through the model registry, as the CLI and dashboard load it.
using Dissection.Core.Models;
using Dissection.Core.Models.Onnx;

namespace Dissection.Core.Tests.Models;

public sealed class ImageNetResNet18Fixture : IDisposable
{
    public const string Collection = "imagenet-resnet18";

    internal OnnxResNet.Result Imported { get; } = OnnxResNet.Import(OnnxGraph.Read(ImageNetResNet18.ModelPath));
    public LoadedModel Loaded { get; } = ModelRegistry.Load(ModelSpec.Parse(ImageNetResNet18.Name), new ModelOptions(Device: "cpu"));

    public void Dispose()
    {
        Imported.Module.Dispose();
        Loaded.Dispose();
    }
}

[CollectionDefinition(ImageNetResNet18Fixture.Collection)]
public sealed class ImageNetResNet18Collection : ICollectionFixture<ImageNetResNet18Fixture>;
