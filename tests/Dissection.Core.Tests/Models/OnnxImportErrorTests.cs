// A wrong, truncated or tampered ONNX file fails with an InvalidDataException that names the file and says what
// is wrong, never with a crash deep inside protobuf or TorchSharp, and never with a half-loaded network.
using Dissection.Core.Models.Onnx;
using Google.Protobuf;
using Onnx;

namespace Dissection.Core.Tests.Models;

public sealed class OnnxImportErrorTests : IDisposable
{
    private readonly DirectoryInfo dir = Directory.CreateTempSubdirectory("onnx-errors-");

    public void Dispose() => dir.Delete(recursive: true);

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.999)]
    public void Truncated_file_names_the_file(double keep)
    {
        var bytes = File.ReadAllBytes(ImageNetResNet18.ModelPath);
        var path = Write("truncated.onnx", bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<InvalidDataException>(() => OnnxResNet.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Empty_file_names_the_file()
    {
        var path = Write("empty.onnx", []);
        var e = Assert.Throws<InvalidDataException>(() => OnnxResNet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("no graph", e.Message);
    }

    [Fact]
    public void Photo_instead_of_model_names_the_file()
    {
        var path = Write("photo.onnx", File.ReadAllBytes(SamplePhotos.Paths()[0]));
        var e = Assert.Throws<InvalidDataException>(() => OnnxResNet.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var path = Path.Combine(dir.FullName, "absent.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => OnnxResNet.Load(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Preprocessing_graph_is_not_mistaken_for_a_network()
    {
        var e = Assert.Throws<InvalidDataException>(() => OnnxResNet.Load(ImageNetResNet18.PreprocessPath));
        Assert.Contains(ImageNetResNet18.PreprocessPath, e.Message);
        Assert.Contains("Split", e.Message);
    }

    [Fact]
    public void Extra_and_missing_initializers_are_reported_by_name()
    {
        var model = ShippedOnnx.Clone();
        var extra = new TensorProto { Name = "stray_weight", DataType = (int)TensorProto.Types.DataType.Float };
        extra.Dims.Add(2);
        extra.FloatData.Add([1f, 2f]);
        model.Graph.Initializer.Add(extra);
        var withExtra = Write("extra.onnx", model.ToByteArray());
        var e = Assert.Throws<InvalidDataException>(() => OnnxResNet.Load(withExtra));
        Assert.Contains(withExtra, e.Message);
        Assert.Contains("1 initializer(s) were not matched to any parameter: stray_weight", e.Message);

        model.Graph.Initializer.Remove(extra);
        var dropped = model.Graph.Initializer[0];
        model.Graph.Initializer.RemoveAt(0);
        var withoutOne = Write("missing.onnx", model.ToByteArray());
        e = Assert.Throws<InvalidDataException>(() => OnnxResNet.Load(withoutOne));
        Assert.Contains(withoutOne, e.Message);
        Assert.Contains($"'{dropped.Name}'", e.Message);
    }

    [Fact]
    public void Wrong_weight_shape_names_initializer_and_parameter()
    {
        var model = ShippedOnnx.Clone();
        // Declare the stem weight 3x7 instead of 7x3 (same number of values): only the shape check can notice.
        var stemWeight = model.Graph.Node.First(n => n.OpType == "Conv").Input[1];
        var t = model.Graph.Initializer.First(i => i.Name == stemWeight);
        Assert.Equal(new long[] { 64, 3, 7, 7 }, t.Dims);
        t.Dims.Clear();
        t.Dims.Add([64, 7, 3, 7]);
        var path = Write("reshaped.onnx", model.ToByteArray());
        var e = Assert.Throws<InvalidDataException>(() => OnnxResNet.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(stemWeight, e.Message);
        Assert.Contains("conv1.weight", e.Message);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
