// The ImageNet network that ships offline: the ResNet featurizer in the Microsoft.ML.DnnImageFeaturizer.ResNet18
// NuGet package (a CNTK export without its classifier, layers [2,2,2,3]), whose props copy the ONNX files
// beside our assemblies under DnnImageModels/.
using static TorchSharp.torch;

namespace Dissection.Core.Models.Onnx;

public static class ImageNetResNet18
{
    public const string Name = "imagenet-resnet18";

    /// <summary>The last block of each stage (its layers are [2,2,2,3]): where dissection looks, early to late.</summary>
    public static readonly IReadOnlyList<string> BlockOutputs = ["layer1.1", "layer2.1", "layer3.1", "layer4.2"];

    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    public static string PreprocessPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>The network as a feature extractor (no classifier head): output (B, 512).</summary>
    public static nn.Module<Tensor, Tensor> Create() => OnnxResNet.Load(ModelPath);

    /// <summary>As the package's preprocessing graph says: 224 px, BGR, 0..255, minus its per-pixel mean image
    /// (channel means B 103.06, G 115.90, R 123.15), no std.</summary>
    public static Preprocessing DefaultPreprocessing() => OnnxMeanImage.Read(PreprocessPath);

    /// <summary>Registers the model as a feature extractor (no classes). When the package's files are missing or
    /// broken the name stays listed, and loading it reports the file and the problem instead of the registry failing.</summary>
    internal static void Register()
    {
        Preprocessing preprocessing;
        try
        {
            preprocessing = DefaultPreprocessing();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            ModelRegistry.Register(Name, _ => throw new InvalidDataException($"{Name} cannot be built: {e.Message}", e),
                Preprocessing.ImageNet(), defaultClasses: null);
            return;
        }
        ModelRegistry.Register(Name, _ => Create(), preprocessing, defaultClasses: null);
    }
}
