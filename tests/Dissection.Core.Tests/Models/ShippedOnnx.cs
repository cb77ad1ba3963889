// The shipped ImageNet featurizer as a protobuf message, parsed once per test run; tests that tamper with the file
// work on their own clone.
using Onnx;
using Dissection.Core.Models.Onnx;

namespace Dissection.Core.Tests.Models;

internal static class ShippedOnnx
{
    private static readonly Lazy<ModelProto> Pristine =
        new(() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(ImageNetResNet18.ModelPath)));

    public static ModelProto Clone() => Pristine.Value.Clone();
}
