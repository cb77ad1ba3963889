// Every architecture the engine can build, by name, and the one place that loads a ModelSpec.
using System.Collections.Concurrent;
using Dissection.Core.Models.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public static class ModelRegistry
{
    /// <summary>One buildable architecture. DefaultClasses is null for models that are not classifiers
    /// (generators, feature extractors): their class count is never read from a checkpoint.</summary>
    /// <param name="CheckpointLoader">For architectures sized by their checkpoint (a generator's channels and resolution):
    /// builds and strictly loads the module from the file itself; Factory is then only used without a checkpoint.</param>
    public sealed record Architecture(string Name, Func<int, nn.Module<Tensor, Tensor>> Factory,
        Preprocessing DefaultPreprocessing, int? DefaultClasses, Func<string, nn.Module<Tensor, Tensor>>? CheckpointLoader = null);

    private static readonly ConcurrentDictionary<string, Architecture> Table = new(StringComparer.OrdinalIgnoreCase);

    static ModelRegistry()
    {
        Register("alexnet", n => torchvision.models.alexnet(num_classes: n), Preprocessing.ImageNet());
        Register("vgg16", n => torchvision.models.vgg16(num_classes: n), Preprocessing.ImageNet());
        Register("resnet18", n => torchvision.models.resnet18(num_classes: n), Preprocessing.ImageNet());
        Register("resnet50", n => torchvision.models.resnet50(num_classes: n), Preprocessing.ImageNet());
        // The demo classifier trains on the procedural world; its real class names and statistics come from the
        // checkpoint's sidecar (CheckpointMetadata), written by the trainer.
        Register("world-vgg", WorldVgg.Create, Preprocessing.ImageNet(WorldVgg.DefaultInputSize), defaultClasses: 10);
        // The Progressive GAN generator takes latents, not images: its "preprocessing" is unused (the segmenter that
        // reads its output has its own). Without a checkpoint it is the published 256-px layout, randomly initialised.
        Table[GeneratorSpec.Arch] = new Architecture(GeneratorSpec.Arch,
            _ => new ProgressiveGenerator(ProGanLayout.Published256), GeneratorSpec.Preprocessing,
            DefaultClasses: null, CheckpointLoader: ProgressiveGenerator.Load);
        // A real ImageNet network that works offline: imported from the ONNX featurizer shipped in a NuGet package.
        ImageNetResNet18.Register();
    }

    /// <summary>Registered architecture names (alexnet, vgg16, resnet18, resnet50, world-vgg, ...).</summary>
    public static IReadOnlyList<string> Architectures => Table.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Adds (or replaces) an architecture. The factory receives the number of classes to build.</summary>
    public static void Register(string name, Func<int, nn.Module<Tensor, Tensor>> factory, Preprocessing defaultPreprocessing,
        int? defaultClasses = 1000)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains(':'))
            throw new ArgumentException($"architecture name '{name}' must be non-empty and contain no ':'");
        Table[name] = new Architecture(name, factory, defaultPreprocessing, defaultClasses);
    }

    public static Architecture Find(string arch) => Table.TryGetValue(arch, out var a) ? a
        : throw new ArgumentException($"unknown architecture '{arch}'; known: {string.Join(", ", Architectures)}");

    /// <summary>Builds the architecture, loads the checkpoint strictly (if any), moves it to the device, eval mode.
    /// A classifier is built with as many classes as the checkpoint's last layer has rows.</summary>
    /// <exception cref="CheckpointMismatchException">keys or shapes differ.</exception>
    public static LoadedModel Load(ModelSpec spec, ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        var arch = Find(spec.Arch);
        var device = ResolveDevice(options.Device);
        var preprocessing = arch.DefaultPreprocessing;
        IReadOnlyList<string>? classNames = null;
        int? numClasses = arch.DefaultClasses;

        nn.Module<Tensor, Tensor> module;
        if (spec.Checkpoint is null)
        {
            module = arch.Factory(numClasses ?? 0);
        }
        else
        {
            var meta = CheckpointMetadata.TryRead(spec.Checkpoint);
            if (arch.CheckpointLoader is { } loader) module = loader(spec.Checkpoint);
            else
            {
                // The module is built outside any dispose scope (its parameters must live on); the file's tensors are
                // freed here once copied.
                var state = CheckpointReader.Read(spec.Checkpoint);
                try
                {
                    module = arch.Factory(numClasses ?? 0);
                    if (numClasses is not null && ClassifierKey(module) is { } key && state.TryGetValue(key, out var w)
                        && w.dim() == 2 && w.shape[0] != numClasses)
                    {
                        numClasses = checked((int)w.shape[0]);
                        module.Dispose();
                        module = arch.Factory(numClasses.Value);
                    }
                    try { LoadStrict(module, state, spec.Checkpoint, arch.Name); }
                    catch { module.Dispose(); throw; }
                }
                finally
                {
                    foreach (var t in state.Values) t.Dispose();
                }
            }

            // A generator's nominal input size is the size of the images it makes (64 px for the demo GAN, 256 for the
            // published ones), so that `dissect layers` and the dashboard describe it truthfully.
            if (module is ProgressiveGenerator generator) preprocessing = preprocessing with { InputSize = generator.Resolution };
            if (meta is not null)
            {
                preprocessing = meta.ApplyTo(preprocessing);
                if (meta.Classes is { } names)
                {
                    if (numClasses is not null && names.Length != numClasses)
                    {
                        module.Dispose();
                        throw new InvalidDataException($"checkpoint metadata '{CheckpointMetadata.PathFor(spec.Checkpoint)}' names " +
                                                       $"{names.Length} classes but the checkpoint's classifier has {numClasses}");
                    }
                    classNames = names;
                }
            }
        }

        preprocessing = preprocessing with
        {
            InputSize = options.InputSize ?? preprocessing.InputSize,
            Mean = options.Mean ?? preprocessing.Mean,
            Std = options.Std ?? preprocessing.Std,
            // An explicit mean replaces a per-pixel mean image too.
            MeanImage = options.Mean is null ? preprocessing.MeanImage : null,
        };
        if (preprocessing.InputSize <= 0) throw new ArgumentException($"input size must be positive, got {preprocessing.InputSize}");
        if (preprocessing.Mean.Length != 3 || preprocessing.Std.Length != 3)
            throw new ArgumentException($"mean and std need 3 values each, got {preprocessing.Mean.Length} and {preprocessing.Std.Length}");

        module.to(device);
        module.eval();
        return new LoadedModel(spec, module, preprocessing, device, numClasses, classNames);
    }

    /// <summary>auto = CUDA when torch.cuda.is_available(), else CPU. Asking for CUDA without it is an error.</summary>
    public static Device ResolveDevice(string? name)
    {
        var n = (name ?? "auto").Trim().ToLowerInvariant();
        if (n is "" or "auto") return cuda.is_available() ? CUDA : CPU;
        if (n == "cpu") return CPU;
        if (n == "cuda" || n.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new ArgumentException($"device '{name}' was asked for but CUDA is not available " +
                                            "(no GPU, or a CPU-only libtorch build: TorchBackend=cpu); use --device cpu or auto");
            if (n == "cuda") return CUDA;
            if (!int.TryParse(n[5..], out var index) || index < 0 || index >= cuda.device_count())
                throw new ArgumentException($"device '{name}' does not exist; {cuda.device_count()} CUDA device(s) found");
            return new Device(DeviceType.CUDA, index);
        }
        throw new ArgumentException($"unknown device '{name}'; use auto, cpu, cuda or cuda:N");
    }

    /// <summary>The classifier's weight: the last 2-D tensor of the state dict (fc.weight, classifier.6.weight).</summary>
    internal static string? ClassifierKey(nn.Module module) =>
        module.state_dict().LastOrDefault(kv => kv.Value.dim() == 2).Key;

    /// <summary>Copies the checkpoint into the module, refusing any missing or unexpected key or shape difference.
    /// Missing BatchNorm num_batches_tracked counters are accepted, as PyTorch does for pre-0.4.1 checkpoints
    /// (the counter is unused in eval mode).</summary>
    internal static void LoadStrict(nn.Module module, IReadOnlyDictionary<string, Tensor> state, string checkpoint, string arch)
    {
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !state.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        var unexpected = state.Keys.Where(k => !target.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var shapes = target.Where(kv => state.TryGetValue(kv.Key, out var s) && !s.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key}: expected [{string.Join(",", kv.Value.shape)}] got [{string.Join(",", state[kv.Key].shape)}]")
            .ToList();
        if (missing.Count + unexpected.Count + shapes.Count > 0)
            throw new CheckpointMismatchException(checkpoint, arch, missing, unexpected, shapes);

        using var noGrad = no_grad();
        foreach (var (key, t) in target)
            if (state.TryGetValue(key, out var source)) t.copy_(source);
    }
}
