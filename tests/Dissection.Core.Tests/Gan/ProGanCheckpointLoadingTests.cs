// Loading ProGAN generator checkpoints written in PyTorch's state-dict format: the published 256-px layout, the old key
// style, and checkpoints that do not fit (the error must say what is wrong).
using System.Collections;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public class ProGanCheckpointLoadingTests
{
    private static readonly int[] Published256 = [512, 512, 512, 512, 512, 512, 512, 512, 256, 256, 128, 128, 64, 64];

    [Fact]
    public void Published_256px_layout_loads_and_generates_a_finite_256px_image()
    {
        using var dir = new TempDir();
        var path = dir.File("proggan.pth");
        using (var original = new ProgressiveGenerator(new ProGanLayout(512, Published256)))
        {
            var sd = original.state_dict();
            Assert.Equal(30, sd.Count);
            Assert.Equal(new long[] { 512, 512, 4, 4 }, sd["layer1.conv.weight"].shape);
            Assert.Equal(new long[] { 64, 64, 3, 3 }, sd["layer14.conv.weight"].shape);
            Assert.Equal(new long[] { 3, 64, 1, 1 }, sd["output_256x256.conv.weight"].shape);
            Assert.Equal(new long[] { 3 }, sd["output_256x256.wscale.b"].shape);
            original.save_py(path);
        }

        using var g = ProgressiveGenerator.Load(path);
        Assert.Equal(512, g.ZDim);
        Assert.Equal(256, g.Resolution);
        Assert.Equal(Published256, g.Layout.Channels);
        using var _ = no_grad();
        using var z = randn(1, 512, generator: new Generator(7));
        using var img = g.call(z);
        Assert.Equal(new long[] { 1, 3, 256, 256 }, img.shape);
        Assert.True(img.isfinite().all().item<bool>());
        Assert.True(img.std().item<float>() > 0);
    }

    [Fact]
    public void Loaded_generator_reproduces_the_saved_one_exactly()
    {
        using var dir = new TempDir();
        var path = dir.File("g.pth");
        using var original = SmallGenerator(seed: 11);
        original.save_py(path);
        using var loaded = ProgressiveGenerator.Load(path);
        using var _ = no_grad();
        using var z = randn(2, 8, generator: new Generator(3));
        using var a = original.call(z);
        using var b = loaded.call(z);
        Assert.Equal(new long[] { 2, 3, 16, 16 }, b.shape);
        Assert.Equal(0f, (a - b).abs().max().item<float>());
    }

    [Fact]
    public void Old_features_and_output_key_style_loads_as_the_same_network()
    {
        using var dir = new TempDir();
        var path = dir.File("old.pth");
        using var original = SmallGenerator(seed: 12);
        var old = new Hashtable();
        foreach (var (k, v) in original.state_dict())
        {
            var key = k.StartsWith("layer") ? $"features.{int.Parse(k[5..k.IndexOf('.')]) - 1}{k[k.IndexOf('.')..]}"
                : "output" + k[k.IndexOf('.')..];
            old[key] = v;
        }
        Assert.Contains("features.0.conv.weight", old.Keys.Cast<string>());
        Assert.Contains("output.wscale.b", old.Keys.Cast<string>());
        Save(path, old);

        using var loaded = ProgressiveGenerator.Load(path);
        Assert.Equal("output_16x16", loaded.Layout.OutputName);
        using var _ = no_grad();
        using var z = randn(1, 8);
        Assert.Equal(0f, (original.call(z) - loaded.call(z)).abs().max().item<float>());
    }

    [Fact]
    public void Missing_unexpected_and_misshapen_keys_are_all_named_in_the_error()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.pth");
        using var original = SmallGenerator(seed: 13);
        var sd = new Hashtable();
        foreach (var (k, v) in original.state_dict()) sd[k] = v;
        sd.Remove("layer3.wscale.b");
        sd["layer4.wscale.b"] = zeros(7);
        sd["layer2.extra"] = zeros(1);
        Save(path, sd);

        var e = Assert.Throws<CheckpointMismatchException>(() => ProgressiveGenerator.Load(path));
        Assert.Contains("bad.pth", e.Message);
        Assert.Equal(["layer3.wscale.b"], e.MissingKeys);
        Assert.Equal(["layer2.extra"], e.UnexpectedKeys);
        Assert.Contains("layer4.wscale.b: expected [6] got [7]", e.Message);
    }

    [Fact]
    public void Classifier_checkpoint_is_rejected_as_not_a_generator()
    {
        using var dir = new TempDir();
        var path = dir.File("classifier.pth");
        Save(path, new Hashtable { ["features.0.weight"] = zeros(4, 3, 3, 3), ["fc.weight"] = zeros(10, 4) });
        var e = Assert.Throws<InvalidDataException>(() => ProgressiveGenerator.Load(path));
        Assert.Contains("not a ProGAN generator", e.Message);
    }

    [Fact]
    public void Output_block_that_disagrees_with_the_layer_count_is_rejected()
    {
        using var dir = new TempDir();
        var path = dir.File("res.pth");
        using var original = SmallGenerator(seed: 14);
        var sd = new Hashtable();
        foreach (var (k, v) in original.state_dict()) sd[k.Replace("output_16x16", "output_32x32")] = v;
        Save(path, sd);
        var e = Assert.Throws<InvalidDataException>(() => ProgressiveGenerator.Load(path));
        Assert.Contains("output_32x32", e.Message);
        Assert.Contains("16x16", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_pytorch_zip_gives_a_readable_error()
    {
        using var dir = new TempDir();
        var path = dir.File("junk.pth");
        File.WriteAllText(path, "this is not a checkpoint");
        var e = Assert.Throws<InvalidDataException>(() => ProgressiveGenerator.Load(path));
        Assert.Contains("junk.pth", e.Message);
    }

    [Fact]
    public void Proggan_spec_loads_through_the_model_registry()
    {
        using var dir = new TempDir();
        var path = dir.File("g.pth");
        using var original = SmallGenerator(seed: 15);
        original.save_py(path);
        Assert.Contains("proggan", ModelRegistry.Architectures);
        using var loaded = ModelRegistry.Load(ModelSpec.Parse($"proggan:{path}"), new ModelOptions(Device: "cpu"));
        var g = Assert.IsType<ProgressiveGenerator>(loaded.Module);
        Assert.Equal(16, g.Resolution);
        Assert.Null(loaded.NumClasses);
        using var _ = no_grad();
        using var z = randn(1, 8);
        Assert.Equal(0f, (original.call(z) - g.call(z)).abs().max().item<float>());
        using var viaSpec = GeneratorSpec.Load($"proggan:{path}");
        Assert.Equal(g.Layout.Channels, viaSpec.Layout.Channels);

        // The probe lists the named blocks with their shapes and captures a block's output during generation.
        var layers = LayerProbe.ListLayers(loaded);
        Assert.Equal([6, 8, 8], layers.First(l => l.Name == "layer4").OutputShape);
        Assert.Equal([3, 16, 16], layers.First(l => l.Name == "output_16x16").OutputShape);
        using var probe = new LayerProbe(loaded, ["layer4"]);
        var (acts, image) = probe.Run(z);
        Assert.Equal(new long[] { 1, 6, 8, 8 }, acts["layer4"].shape);
        Assert.Equal(0f, (image - g.call(z)).abs().max().item<float>());
        acts["layer4"].Dispose();
        image.Dispose();
    }

    private static ProgressiveGenerator SmallGenerator(long seed)
    {
        var g = new ProgressiveGenerator(new ProGanLayout(8, [8, 8, 6, 6, 4, 4]));
        g.InitialiseForTraining(seed);
        using (no_grad())
            foreach (var (name, p) in g.named_parameters())
                if (name.EndsWith(".b")) p.normal_(generator: new Generator((ulong)seed));
        return g;
    }

    private static void Save(string path, Hashtable sd)
    {
        using var stream = File.Create(path);
        PyTorchPickler.PickleStateDict(stream, sd);
    }

    [Fact]
    public void A_generator_loaded_through_the_registry_states_the_size_of_its_images()
    {
        // The shipped demo GAN makes 64-px images; its nominal input size (printed by `dissect layers`) must say so.
        using var loaded = ModelRegistry.Load(ModelSpec.Parse("proggan:" + RepositoryFiles.Path("data/models/world-gan.pt")));
        var g = Assert.IsType<ProgressiveGenerator>(loaded.Module);
        Assert.Equal(64, g.Resolution);
        Assert.Equal(g.Resolution, loaded.Preprocessing.InputSize);
    }
}
