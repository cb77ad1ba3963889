// The attack on the shipped demo classifier (data/models/world-vgg.pt, trained on the synthetic world) and freshly
// generated world scenes: the target probability rises on every image within a 2/255 L∞ budget.
using Dissection.Core.Attacks;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using Dissection.Core.World;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Attacks;

public sealed class ShippedClassifierAttackTests : IDisposable
{
    private readonly string _root = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "attack-world-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }


    [Fact]
    public void Attack_on_the_shipped_world_classifier_raises_the_target_within_budget()
    {
        using var model = ModelRegistry.Load(ModelSpec.Parse("world-vgg:" + RepositoryFiles.Path("data/models/world-vgg.pt")), new ModelOptions("cpu"));
        WorldGenerator.Generate(new WorldOptions(_root, Count: 3, Size: 128, Seed: 11, Threads: 1));
        var dataset = ConceptDataset.Open(_root);
        using var scope = NewDisposeScope();
        var images = dataset.LoadImages(dataset.Images, model.Preprocessing.InputSize).Pixels;
        var bedroom = TargetClass.Resolve("bedroom", model.ClassNames, model.NumClasses!.Value);
        var eps = 2 / 255.0;
        using var result = TargetedAttack.Run(model, images, [bedroom, bedroom, bedroom], new AttackSettings(eps, Steps: 5, EarlyStop: false));
        foreach (var o in result.Outcomes.Where(o => o.CleanClass != bedroom))
            Assert.True(o.TargetProbability > o.CleanTargetProbability, $"bedroom {o.CleanTargetProbability} -> {o.TargetProbability}");
        Assert.All(result.Outcomes, o => Assert.True(o.Linf <= eps + 1e-6));
        Assert.True(result.Images.min().item<float>() >= 0 && result.Images.max().item<float>() <= 1);
    }
}
