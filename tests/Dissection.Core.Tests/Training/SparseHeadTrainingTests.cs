// Retraining the classifier's last layer with an L1 penalty: the conv weights (and so every dissection result) are
// exactly the initial ones, a stronger penalty leaves fewer units per class, the saved file loads strictly as world-vgg,
// its reported validation accuracy is what the saved network scores, and the feature cache makes a re-run identical.
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.Tests.World;
using Dissection.Core.Training;
using Dissection.Core.World;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Training;

[Collection(TorchThreadsCollection.Name)]
public class SparseHeadTrainingTests
{
    [Fact]
    public void Sparse_head_keeps_the_features_and_a_stronger_penalty_uses_fewer_units()
    {
        using var tmp = new TempDir();
        WorldGenerator.Generate(new WorldOptions(tmp.File("world"), Count: 80, Size: 128, Seed: 2));
        var init = tmp.File("models/base.pt");
        ClassifierTrainer.Train(new TrainingOptions(tmp.File("world"), init, Epochs: 2, BatchSize: 16, LearningRate: 3e-3, TrainCrop: 64));

        SparseHeadResult Head(double l1, string name) =>
            SparseHeadTraining.Train(new SparseHeadOptions(tmp.File("world"), init, tmp.File($"models/{name}.pt"), L1: l1, Steps: 300, LearningRate: 0.02));
        var weak = Head(0.001, "weak");
        var strong = Head(0.1, "strong");
        Assert.True(strong.UnitsUsed < weak.UnitsUsed, $"units used: L1 0.1 -> {strong.UnitsUsed}, L1 0.001 -> {weak.UnitsUsed}");

        using var before = WorldVgg.Create(weak.Classes.Count);
        before.load_py(init, strict: true);
        using var after = WorldVgg.Create(weak.Classes.Count);
        after.load_py(tmp.File("models/strong.pt"), strict: true);
        var a = after.state_dict();
        foreach (var (key, value) in before.state_dict().Where(kv => kv.Key.StartsWith("features.", StringComparison.Ordinal)))
            Assert.True(value.equal(a[key]).all().item<bool>(), key);
        var fc = a["classifier.fc.weight"];
        Assert.Equal(strong.UnitsPerClass, fc.ne(0).sum(1).data<long>().Select(v => (int)v));

        // The sidecar's accuracy is the saved network's own, through the registry's preprocessing.
        var sidecar = ModelSidecar.Load(tmp.File("models/strong.pt.json"));
        Assert.Equal(Math.Round(strong.ValAccuracy, 4), sidecar.ValAccuracy);
        using var loaded = ModelRegistry.Load(ModelSpec.Parse("world-vgg:" + tmp.File("models/strong.pt")), new ModelOptions("cpu"));
        var dataset = ConceptDataset.Open(tmp.File("world"));
        var val = dataset.Images.Where(i => i.Split == "val").ToList();
        using var batch = dataset.LoadImages(val, 128);
        using var _ = no_grad();
        using var logits = loaded.Module.call(loaded.Preprocessing.Apply(batch.Pixels));
        var predicted = logits.argmax(1).data<long>().ToArray();
        var scenes = SceneImageSet.ReadScenes(tmp.File("world"));
        var truth = val.Select(i => scenes.Select(s => s.Number).ToList().IndexOf(i.SceneLabel!.Value)).ToArray();
        Assert.Equal(strong.ValAccuracy, predicted.Zip(truth).Count(p => p.First == p.Second) / (double)val.Count, 6);

        var again = Head(0.1, "strong");
        Assert.Equal(strong.UnitsPerClass, again.UnitsPerClass);
        Assert.Equal(strong.ValAccuracy, again.ValAccuracy);
    }
}
