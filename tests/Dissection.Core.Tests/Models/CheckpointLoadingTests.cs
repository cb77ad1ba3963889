// Loading checkpoints in every supported flavour, strictly, with class counts and sidecar metadata from the file.
using System.Collections;
using Dissection.Core.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

public class CheckpointLoadingTests
{
    private static readonly ModelOptions Cpu64 = new("cpu", InputSize: 64);

    /// <summary>A resnet18 with few classes and its output on a fixed input, to compare loaded copies against.</summary>
    private static (nn.Module<Tensor, Tensor> Net, Tensor Input, Tensor Expected) Reference(int classes)
    {
        var net = torchvision.models.resnet18(num_classes: classes);
        net.eval();
        var input = randn(2, 3, 64, 64);
        using var noGrad = no_grad();
        return (net, input, net.forward(input));
    }

    private static void AssertSameOutputs(LoadedModel model, Tensor input, Tensor expected)
    {
        using var noGrad = no_grad();
        using var actual = model.Module.forward(input);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 0, atol: 1e-6), "loaded weights give different outputs");
    }

    [Fact]
    public void State_dict_pt_round_trips_and_takes_class_count_from_fc()
    {
        using var dir = new TempDir();
        var (net, input, expected) = Reference(classes: 7);
        var path = dir.File("r18.pt");
        net.save_py(path);

        using var model = ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64);
        Assert.Equal(7, model.NumClasses);
        AssertSameOutputs(model, input, expected);
        Assert.False(model.Module.training);
    }

    [Fact]
    public void Places365_style_nested_state_dict_with_module_prefix_loads()
    {
        using var dir = new TempDir();
        var (net, input, expected) = Reference(classes: 5);
        var weights = new Hashtable();
        foreach (var (key, t) in net.state_dict()) weights["module." + key] = t;
        var top = new Hashtable { ["epoch"] = 90, ["arch"] = "resnet18", ["best_prec1"] = 54.7, ["state_dict"] = weights };
        var path = dir.File("resnet18_places365.pth.tar");
        using (var f = File.Create(path)) PyTorchPickler.PickleStateDict(f, top, leaveOpen: true);

        using var model = ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64);
        Assert.Equal(5, model.NumClasses);
        AssertSameOutputs(model, input, expected);
    }

    [Fact]
    public void Safetensors_round_trips()
    {
        using var dir = new TempDir();
        var (net, input, expected) = Reference(classes: 3);
        var path = dir.File("r18.safetensors");
        using (var f = File.Create(path)) net.save_safetensors(f, leaveOpen: true);

        using var model = ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64);
        Assert.Equal(3, model.NumClasses);
        AssertSameOutputs(model, input, expected);
    }

    [Fact]
    public void Wrong_checkpoint_names_missing_unexpected_keys_and_shapes()
    {
        using var dir = new TempDir();
        var (net, _, _) = Reference(classes: 4);
        var sd = new Hashtable();
        foreach (var (key, t) in net.state_dict()) sd[key] = t;
        sd.Remove("layer1.0.conv1.weight");
        sd["extra.weight"] = zeros(2, 2);
        sd["conv1.weight"] = zeros(64, 3, 5, 5);
        var path = dir.File("broken.pt");
        using (var f = File.Create(path)) PyTorchPickler.PickleStateDict(f, sd, leaveOpen: true);

        var e = Assert.Throws<CheckpointMismatchException>(() => ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64));
        Assert.Equal(["layer1.0.conv1.weight"], e.MissingKeys);
        Assert.Equal(["extra.weight"], e.UnexpectedKeys);
        Assert.Equal(["conv1.weight: expected [64,3,7,7] got [64,3,5,5]"], e.ShapeDifferences);
        Assert.Contains("layer1.0.conv1.weight", e.Message);
        Assert.Contains("extra.weight", e.Message);
        Assert.Contains("conv1.weight: expected [64,3,7,7] got [64,3,5,5]", e.Message);
        Assert.Contains(path, e.Message);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void Checkpoint_of_another_architecture_is_refused()
    {
        using var dir = new TempDir();
        // A small sequential net stands in for "some other architecture's" weights.
        var other = nn.Sequential(("features", nn.Sequential(("0", nn.Conv2d(3, 8, 3)))), ("classifier", nn.Linear(8, 2)));
        var path = dir.File("other.pt");
        other.save_py(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64));
        Assert.Contains("features.0.weight", e.UnexpectedKeys);
        Assert.Contains("conv1.weight", e.MissingKeys);
        Assert.Contains("fc.weight", e.MissingKeys);
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "model.pth");
        var e = Assert.Throws<FileNotFoundException>(() => ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64));
        Assert.Contains(path, e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 9, 9 })] // a zip signature, then garbage
    [InlineData(new byte[] { 0x80, 0x02, 0x8a, 0x0a })] // legacy (pre-1.6) torch.save
    public void Corrupt_file_is_invalid_data_naming_the_path(byte[] bytes)
    {
        using var dir = new TempDir();
        var path = dir.File("corrupt.pth");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Sidecar_sets_class_names_and_preprocessing_options_override_it()
    {
        using var dir = new TempDir();
        var (net, _, _) = Reference(classes: 3);
        var path = dir.File("r18.pth");
        net.save_py(path);
        File.WriteAllText(path + ".json",
            """{"classes":["beach","forest","kitchen"],"inputSize":96,"mean":[0.5,0.5,0.5],"std":[0.25,0.25,0.25],"bgr":true,"valueRange":255}""");

        using (var model = ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), new ModelOptions("cpu")))
        {
            Assert.Equal(["beach", "forest", "kitchen"], model.ClassNames!);
            Assert.Equal(new Preprocessing(96, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f], true, 255f).ToString(),
                model.Preprocessing.ToString());
        }
        using (var model = ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), new ModelOptions("cpu", InputSize: 80, Std: [1f, 2f, 3f])))
        {
            Assert.Equal(80, model.Preprocessing.InputSize);
            Assert.Equal([1f, 2f, 3f], model.Preprocessing.Std);
            Assert.Equal([0.5f, 0.5f, 0.5f], model.Preprocessing.Mean);
        }
    }

    [Fact]
    public void Sidecar_with_wrong_class_count_is_refused()
    {
        using var dir = new TempDir();
        var (net, _, _) = Reference(classes: 3);
        var path = dir.File("r18.pth");
        net.save_py(path);
        File.WriteAllText(path + ".json", """{"classes":["a","b"]}""");
        var e = Assert.Throws<InvalidDataException>(() => ModelRegistry.Load(ModelSpec.Parse($"resnet18:{path}"), Cpu64));
        Assert.Contains("2 classes", e.Message);
        Assert.Contains("has 3", e.Message);
    }

    [Fact]
    public void No_checkpoint_builds_the_TorchVision_default()
    {
        using var model = ModelRegistry.Load(ModelSpec.Parse("resnet18"), Cpu64);
        Assert.Equal(1000, model.NumClasses);
        Assert.Equal(64, model.Preprocessing.InputSize);
        Assert.Equal(DeviceType.CPU, model.Device.type);
        Assert.Contains("resnet50", ModelRegistry.Architectures);
        Assert.Contains("world-vgg", ModelRegistry.Architectures);
    }

    [Fact]
    public void Devices_auto_picks_what_exists_cuda_without_gpu_is_an_error()
    {
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, ModelRegistry.ResolveDevice("auto").type);
        Assert.Equal(DeviceType.CPU, ModelRegistry.ResolveDevice("cpu").type);
        if (!cuda.is_available()) Assert.Throws<ArgumentException>(() => ModelRegistry.ResolveDevice("cuda"));
        Assert.Throws<ArgumentException>(() => ModelRegistry.ResolveDevice("tpu"));
    }

    [Fact]
    public void Unknown_architecture_lists_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Load(ModelSpec.Parse("resnet99"), Cpu64));
        Assert.Contains("resnet18", e.Message);
    }

    [Fact]
    public void Register_adds_an_architecture()
    {
        ModelRegistry.Register("tiny-test-net", n => nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flat", nn.Flatten()), ("fc", nn.Linear(4, n))), Preprocessing.ImageNet(16), defaultClasses: 6);
        using var model = ModelRegistry.Load(ModelSpec.Parse("tiny-test-net"), new ModelOptions("cpu"));
        Assert.Equal(6, model.NumClasses);
        Assert.Equal(16, model.Preprocessing.InputSize);
    }
}
