// A tiny training run on a small generated world lowers the loss, writes PyTorch weights plus the sidecar, and an
// interrupted run resumes from its checkpoint.
using Dissection.Core.Models;
using Dissection.Core.Tests.World;
using Dissection.Core.Training;
using Dissection.Core.World;
using TorchSharp.PyBridge;

namespace Dissection.Core.Tests.Training;

[Collection(TorchThreadsCollection.Name)]
public class ClassifierTrainerTests
{
    [Fact]
    public void Two_epochs_reduce_loss_and_save_weights_with_sidecar()
    {
        using var tmp = new TempDir();
        // Small images and 64 px crops keep this a few seconds on 2 cores; the loader scales images to the 128 px input.
        WorldGenerator.Generate(new WorldOptions(tmp.File("world"), Count: 80, Size: 64, Seed: 2));
        var o = new TrainingOptions(tmp.File("world"), tmp.File("models/m.pt"), Epochs: 2, BatchSize: 16, LearningRate: 3e-3, TrainCrop: 64);
        var result = ClassifierTrainer.Train(o);

        Assert.Equal(2, result.History.Count);
        Assert.True(result.History[1].Loss < result.History[0].Loss, $"loss {result.History[0].Loss} -> {result.History[1].Loss}");
        Assert.Equal(WorldCatalog.Scenes.Select(s => s.Name), result.Classes);
        var valCount = File.ReadAllLines(tmp.File("world/index.csv")).Count(l => l.Contains(",val,"));
        Assert.Equal(valCount, result.Confusion.Cast<int>().Sum());

        var sidecar = ModelSidecar.Load(o.OutputPath + ".json");
        Assert.Equal(result.Classes, sidecar.Classes);
        Assert.Equal(128, sidecar.InputSize);
        Assert.Equal(3, sidecar.Mean.Length);
        Assert.All(sidecar.Std, s => Assert.InRange(s, 0.01f, 1f));
        Assert.False(File.Exists(o.CheckpointPath));

        using var reloaded = WorldVgg.Create(result.Classes.Count);
        reloaded.load_py(o.OutputPath, strict: true);
    }

    [Fact]
    public void Interrupted_training_resumes_from_checkpoint()
    {
        using var tmp = new TempDir();
        WorldGenerator.Generate(new WorldOptions(tmp.File("world"), Count: 24, Size: 64, Seed: 3));
        var o = new TrainingOptions(tmp.File("world"), tmp.File("m.pt"), Epochs: 2, BatchSize: 16, TrainCrop: 64, EpochValImages: 8);
        using var cts = new CancellationTokenSource();
        var stopAfterFirst = new Inline<EpochReport>(_ => cts.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() => ClassifierTrainer.Train(o, stopAfterFirst, null, cts.Token));
        Assert.True(File.Exists(o.CheckpointPath));
        Assert.False(File.Exists(o.OutputPath));

        var epochs = new List<int>();
        var result = ClassifierTrainer.Train(o with { Resume = true }, new Inline<EpochReport>(e => epochs.Add(e.Epoch)));
        Assert.Equal([2], epochs);
        Assert.Equal([1, 2], result.History.Select(h => h.Epoch));
        Assert.True(File.Exists(o.OutputPath));
    }

    [Fact]
    public void Missing_dataset_is_reported()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<DirectoryNotFoundException>(() => ClassifierTrainer.Train(new TrainingOptions(tmp.File("nope"), tmp.File("m.pt"))));
        Assert.Contains("nope", e.Message);
    }

    private sealed class Inline<T>(Action<T> a) : IProgress<T>
    {
        public void Report(T value) => a(value);
    }
}
