// Every architecture the engine can build, by name, and the one place that loads a ModelSpec.
namespace Dissection.Core.Models;

public static class ModelRegistry
{
    /// <summary>Registered architecture names (alexnet, vgg16, resnet18, resnet50, world-vgg, ...).</summary>
    public static IReadOnlyList<string> Architectures => throw new NotImplementedException();

    /// <summary>Builds the architecture, loads the checkpoint strictly (if any), moves it to the device, eval mode.</summary>
    /// <exception cref="CheckpointMismatchException">keys or shapes differ.</exception>
    public static LoadedModel Load(ModelSpec spec, ModelOptions? options = null) => throw new NotImplementedException();
}
