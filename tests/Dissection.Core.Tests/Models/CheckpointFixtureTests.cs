// Checkpoints written by real PyTorch (Models/Fixtures/make_fixtures.py): the legacy Places365 layout and a zip state_dict.
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Models;

public class CheckpointFixtureTests
{
    private const string Arch = "tiny-fixture-net";

    static CheckpointFixtureTests() =>
        ModelRegistry.Register(Arch, n => nn.Sequential(
                ("features", nn.Sequential(("0", nn.Conv2d(3, 4, 3)), ("1", nn.ReLU()))),
                ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("fc", nn.Linear(4, n))),
            Preprocessing.ImageNet(16), defaultClasses: 2);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Models", "Fixtures", name);

    [Theory]
    [InlineData("tiny_places365_legacy.pth.tar")]
    [InlineData("tiny_state_dict.pt")]
    public void Real_PyTorch_files_load_with_every_value_in_place(string file)
    {
        using var model = ModelRegistry.Load(ModelSpec.Parse($"{Arch}:{Fixture(file)}"), new ModelOptions("cpu"));
        Assert.Equal(5, model.NumClasses);
        var p = model.Module.state_dict();

        using var convW = arange(108, dtype: float32).reshape(4, 3, 3, 3) / 100;
        using var fcW = (arange(20, dtype: float32).reshape(4, 5) / 10).t();
        Assert.True(p["features.0.weight"].allclose(convW));
        Assert.True(p["fc.weight"].allclose(fcW), "strided (transposed) tensor read wrongly");
        Assert.Equal([0.1f, -0.2f, 0.3f, -0.4f], p["features.0.bias"].data<float>().ToArray());
        Assert.Equal([1f, 2f, 3f, 4f, 5f], p["fc.bias"].data<float>().ToArray());
    }

    [Fact]
    public void After_our_reader_PyBridges_own_loader_still_works()
    {
        // Our reader swaps entries of Razorvine's process-wide constructor table while it runs; they must come back.
        using var model = ModelRegistry.Load(ModelSpec.Parse($"{Arch}:{Fixture("tiny_places365_legacy.pth.tar")}"), new ModelOptions("cpu"));
        using var dir = new TempDir();
        var path = dir.File("tiny.pt");
        TorchSharp.PyBridge.PyBridgeModuleExtensions.save_py(model.Module, path);
        var copy = nn.Sequential(("features", nn.Sequential(("0", nn.Conv2d(3, 4, 3)), ("1", nn.ReLU()))),
            ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("fc", nn.Linear(4, 5)));
        TorchSharp.PyBridge.PyBridgeModuleExtensions.load_py(copy, path, strict: true);
        Assert.True(copy.state_dict()["fc.bias"].allclose(model.Module.state_dict()["fc.bias"]));
    }
}
