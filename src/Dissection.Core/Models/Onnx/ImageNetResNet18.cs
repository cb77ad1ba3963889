// The ImageNet network that ships offline: the ResNet featurizer in the Microsoft.ML.DnnImageFeaturizer.ResNet18
// NuGet package (a CNTK export without its classifier, layers [2,2,2,3]), whose props copy the ONNX files
// beside our assemblies under DnnImageModels/.
using static TorchSharp.torch;

namespace Dissection.Core.Models.Onnx;

public static class ImageNetResNet18
{
    public const string Name = "imagenet-resnet18";

    public static string ModelPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    public static string PreprocessPath => Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");

    /// <summary>The network as a feature extractor (no classifier head): output (B, 512).</summary>
    public static nn.Module<Tensor, Tensor> Create() => OnnxResNet.Load(ModelPath);

    /// <summary>224 px, BGR, 0..255, minus the channel means of the package's mean image, no std. The package
    /// subtracts a per-pixel mean image; its channel means stand in for it (see the mean image's spread in
    /// OnnxResNetParityTests for how small the difference is).</summary>
    public static Preprocessing DefaultPreprocessing()
    {
        var mean = OnnxMeanImage.Read(PreprocessPath);
        return new Preprocessing(mean.Height, mean.ChannelMeans(), [1f, 1f, 1f], Bgr: mean.Bgr, ValueRange: 255f);
    }
}
