// The small real inputs every cluster test uses, and their single-process results: a synthetic world in Broden
// format, a seeded random classifier registered as architecture "cluster-test" (every silo builds the same weights),
// and the tiny ProGAN generator ("tiny-gan") with its segmented samples.
using Dissection.Core.Ablation;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Core.Tests;
using Dissection.Core.Tests.Ablation;
using Dissection.Core.Tests.Gan;
using Dissection.Core.World;

namespace Dissection.Cluster.Tests;

public sealed class TestWorld : IDisposable
{
    public const string Arch = "cluster-test", SlowArch = "cluster-test-slow", Generator = "tiny-gan", Z = "z:11:24";
    private readonly TempDir _tmp = new();

    // Seeded initialisation draws from torch's global generator: in-process silos load at once, so one at a time.
    private static readonly object Seeding = new();

    static TestWorld() =>
        ModelRegistry.Register(Arch, classes => { lock (Seeding) return AblationModels.Random(units: 6, classes: classes, seed: 5); },
            Preprocessing.ImageNet(AblationModels.Size), 10);

    /// <summary>The same weights, with a pause before each batch: a job that lasts long enough to lose a silo in it.</summary>
    public static void RegisterSlow(TimeSpan pause) =>
        ModelRegistry.Register(SlowArch, classes =>
        {
            lock (Seeding)
            {
                var inner = AblationModels.Random(units: 6, classes: classes, seed: 5);
                var children = inner.named_children().Select(c => (c.name, (TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)c.module));
                return TorchSharp.torch.nn.Sequential([("pause", new Pause(pause)), .. children]);
            }
        }, Preprocessing.ImageNet(AblationModels.Size), 10);

    private sealed class Pause(TimeSpan pause) : TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>("Pause")
    {
        public override TorchSharp.torch.Tensor forward(TorchSharp.torch.Tensor x)
        {
            Thread.Sleep(pause);
            return x.alias();
        }
    }

    /// <summary>The silos' loaders: the registry for the classifier, the in-memory generator for "tiny-gan".</summary>
    public static readonly ModelLoaders Loaders = ModelLoaders.Default with
    {
        Generator = spec => { lock (Seeding) return spec == Generator ? GanFixture.Generator() : ModelLoaders.Default.Generator(spec); },
    };

    public TestWorld(int images = 30)
    {
        WorldGenerator.Generate(new WorldOptions(_tmp.File("world"), Count: images, Size: 32, Seed: 3));
        using var g = Loaders.Generator(Generator);
        using var seg = GanFixture.Segmenter();
        GanSamples.Materialize(g, "proggan:tiny.pth", seg, seed: 11, count: 24, _tmp.File("samples"));
    }

    public string World => _tmp.File("world");
    public string Samples => _tmp.File("samples");
    public string[] Layers { get; } = ["relu1", "conv2"];
    public DissectionSettings Settings { get; } = new() { BatchSize = 4, TopK = 3, Quantile = 0.02 };
    public AblationSettings Ablation { get; } = new() { BatchSize = 8, RandomDraws = 3, ImportantCount = 2, LabelFree = true, StackBytes = 2 * 8 * 6 * 8 * 8 * 4 };
    public DissectionSettings GanSettings { get; } = new() { BatchSize = 5, TopK = 3 };
    public string[] GanLayers { get; } = ["layer2", "layer3"];

    public WorkOrder DissectOrder(int shards) => WorkOrder.Dissection(Arch, World, Layers, Settings, shards);
    public WorkOrder AblateOrder(int shards) => WorkOrder.Ablation(Arch, World, "relu1", Ablation, shards);
    public WorkOrder GanOrder(int shards) => WorkOrder.GeneratorDissection(Generator, Samples, Z, GanLayers, GanSettings, shards);

    public IReadOnlyList<LayerResult> SingleDissection()
    {
        using var model = ModelRegistry.Load(ModelSpec.Parse(Arch), new ModelOptions("cpu"));
        return DissectionRun.Execute(model, ConceptDataset.Open(World), Layers, Settings);
    }

    public AblationResult SingleAblation()
    {
        using var model = ModelRegistry.Load(ModelSpec.Parse(Arch), new ModelOptions("cpu"));
        return AblationRunner.Run(model, ConceptDataset.Open(World), "relu1", Ablation);
    }

    public IReadOnlyList<LayerResult> SingleGeneratorDissection()
    {
        using var g = Loaders.Generator(Generator);
        using var z = ZDataset.FromSeed(g.ZDim, 11, 24);
        return GeneratorDissection.Execute(g, ConceptDataset.Open(Samples), z, GanLayers, GanSettings);
    }

    public void Dispose() => _tmp.Dispose();
}
