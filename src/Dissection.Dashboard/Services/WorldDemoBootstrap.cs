// The first-start demo: generates the synthetic world (if missing) and dissects the shipped world-vgg classifier on
// its validation split, in the background, so a newcomer sees network dissection work without setting anything up.
// Progress goes to the store like any run, so the home page shows it; later starts find the run done and do nothing,
// and a demo run the user deleted is not made again.
// Behind it the rest of the paper is queued, in order (the job queue runs jobs oldest first): the ablation of its last
// conv layer (class pages, importance charts, the playground), the demo GAN's dissection (GAN paint's concepts), its
// tree removal curve and context insertion, an attack batch toward one indoor class (/attack's chart), and the
// ImageNet ResNet-18 on the same world, so users can compare a real network with the toy one.
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;
using Dissection.Core.Models.Onnx;
using Dissection.Core.Storage;
using Dissection.Core.World;
using Microsoft.Extensions.Options;

namespace Dissection.Dashboard.Services;

public sealed class WorldDemoBootstrap(StoreAccess store, JobQueue jobs, RepoPaths paths, PathPolicy policy,
    IOptions<DashboardOptions> options, ILogger<WorldDemoBootstrap> log) : IDemoBootstrap
{
    public const string RunName = "Demo: world-vgg on the synthetic world";
    public const string ImageNetRunName = "Demo: ImageNet ResNet-18 on the synthetic world";
    private const string Checkpoint = "data/models/world-vgg.pt";

    public const string AblationTitle = "Demo: ablation of world-vgg's last conv layer on val";
    public const string GanRunName = "Demo: world-gan generator dissection";
    public const string GanCausalTitle = "Demo: tree removal curve and context insertion on world-gan";
    public const string AttackTitle = "Demo: attack batch toward bedroom on world-vgg's last conv layer";
    /// <summary>Images the demo attack batch attacks at ε = 4/255: about half succeed (46.5 % on 200 images), so the
    /// groups' mean |Δ peak| rest on ~20 images each and their 99 % intervals are about twice as wide as with 200.
    /// Sized to finish within the first start's 8 minutes.</summary>
    public const int AttackImages = 40;
    internal const string Generator = "data/models/world-gan.pt", Segmenter = "data/models/world-seg.pt";
    /// <summary>Images the demo ablation uses: about 20 per class of the 10, so a class's balanced accuracy moves in
    /// steps of ~0.05 and only drops of that size stand out; sized for the class charts to fill within 3 minutes.</summary>
    public const int AblationImages = 200;
    /// <summary>Samples of the demo GAN dissection (z:1:N). IoUs over 200 samples separate the common concepts
    /// (tree, grass, sky, building) well; rare ones get few detectors. Sized for the playground's concepts to fill
    /// within 4 minutes of the first start.</summary>
    public const int GanSamples = 200;
    internal static readonly string[] GanLayers = ["layer3", "layer4"];

    /// <summary>The first start's pipeline in queue order, with the budgets of a clean clone on a 2-core machine:
    /// the first gallery within 60 s, class charts within 3 min, GAN concepts within 4 min, everything within 8.</summary>
    public static readonly IReadOnlyList<DemoStep> Steps =
    [
        new("The synthetic world, dissected by world-vgg", "the first unit gallery", RunName, 60),
        new("Ablation of world-vgg's last conv layer", "class pages, importance charts, the ablation playground", AblationTitle, 180),
        new("Dissection of the demo GAN", "GAN paint's concept lists", GanRunName, 240),
        new("Tree removal curve and context insertion", "the GAN run's causal charts", GanCausalTitle, null),
        new("An attack batch toward bedroom", "/attack's batch chart", AttackTitle, null),
        new("ImageNet ResNet-18 on the world", "a real network to compare with", ImageNetRunName, 480),
    ];

    /// <summary>Queues the first start's pipeline in order (the queue runs jobs oldest first): the world-vgg
    /// dissection, its last conv layer's ablation, the demo GAN's dissection, then the ImageNet run.</summary>
    public async Task EnsureDemoAsync(CancellationToken cancel)
    {
        var vgg = await EnsureWorldVggDemoAsync(cancel);
        if (cancel.IsCancellationRequested) return;
        if (vgg is { } run) EnsureAblationDemo(run);
        if (EnsureGanDemo() is { } gan) EnsureGanCausalDemo(gan);
        if (vgg is { } attacked) EnsureAttackDemo(attacked);
        if (options.Value.DemoImageNet) EnsureImageNetDemo();
    }

    /// <summary>The world-vgg demo run's id once it is done or queued (null when it could not be made).</summary>
    private async Task<long?> EnsureWorldVggDemoAsync(CancellationToken cancel)
    {
        var demos = store.Read(s => s.Runs.ListRuns()).Where(r => r.Name == RunName).ToList();
        // Done, or waiting in this process's queue, or deliberately cancelled by the user: leave it be.
        if (demos.FirstOrDefault(r => r.Status is RunStatus.Done or RunStatus.Queued or RunStatus.Running) is { } live) return live.Id;
        if (demos.Any(r => r.Status is RunStatus.Cancelled) || DeletedByUser(RunName)) return null;
        // A demo that failed (e.g. the process died half-way) is replaced by a fresh one.
        foreach (var failed in demos) store.Write(s => s.Runs.DeleteRun(failed.Id));

        var checkpoint = paths.Resolve(Checkpoint);
        if (!File.Exists(checkpoint))
        {
            log.LogWarning("No demo: the shipped classifier {Checkpoint} is missing", checkpoint);
            return null;
        }
        var world = paths.Resolve(options.Value.DemoWorld);
        var settings = new DissectionSettings { Split = "val", Limit = 1000 };
        var parameters = new DissectClassifierParameters(new ModelSpec("world-vgg", Checkpoint).ToString(), policy.Display(world),
            WorldDemoLayers, settings);
        var id = store.Write(s => DissectClassifierJob.CreateRun(s, parameters, RunName));
        try
        {
            if (!File.Exists(Path.Combine(world, "index.csv")))
                await Task.Run(() => GenerateWorld(id, world, cancel), cancel);
            jobs.EnqueueForRun(id, parameters);
            return id;
        }
        catch (OperationCanceledException)
        {
            store.Write(s => s.Runs.SetStatus(id, RunStatus.Interrupted, "Interrupted while generating the world: the dashboard was shut down."));
        }
        catch (Exception e)
        {
            log.LogError(e, "The demo world could not be generated");
            store.Write(s => s.Runs.SetStatus(id, RunStatus.Failed, $"The demo world could not be generated: {e.Message}"));
        }
        return null;
    }

    /// <summary>Queues the ablation of world-vgg's last conv layer on the validation split behind its dissection,
    /// unless it is stored, waiting or running (a failed or cancelled one is queued again on the next start).</summary>
    private void EnsureAblationDemo(long run)
    {
        var layer = WorldVgg.ConvLayers[^1];
        if (store.Read(s => s.Ablations.ListAblations(run)).Any(a => a.Layer == layer)) return;
        if (store.Read(s => s.Jobs.ListJobs()).Any(j => j.Title == AblationTitle && j.State is JobState.Queued or JobState.Running or JobState.Interrupted))
            return;
        var parameters = new AblateParameters(run, layer, new AblationSettings { Split = "val", Limit = AblationImages });
        jobs.Executor.Enqueue(new JobRequest(JobKind.Ablate, AblationTitle, parameters));
        log.LogInformation("Queued the demo ablation of run {Run} layer {Layer}", run, layer);
    }

    /// <summary>Queues the demo GAN's dissection on its own samples (z:1:N, labelled by the shipped segmenter), which
    /// fills the GAN playground's concept lists; once, like the other demo runs.</summary>
    private long? EnsureGanDemo()
    {
        var demos = store.Read(s => s.Runs.ListRuns()).Where(r => r.Name == GanRunName).ToList();
        if (demos.FirstOrDefault(r => r.Status is RunStatus.Done or RunStatus.Queued or RunStatus.Running) is { } live) return live.Id;
        if (demos.Any(r => r.Status is RunStatus.Cancelled) || DeletedByUser(GanRunName)) return null;
        foreach (var failed in demos) store.Write(s => s.Runs.DeleteRun(failed.Id));
        if (!File.Exists(paths.Resolve(Generator)) || !File.Exists(paths.Resolve(Segmenter)))
        {
            log.LogWarning("No GAN demo: {Generator} or {Segmenter} is missing", Generator, Segmenter);
            return null;
        }
        var model = $"{Core.Models.GeneratorSpec.Arch}:{Generator}";
        var parameters = new DissectGeneratorParameters(model, $"z:1:{GanSamples}", $"{SegmenterSpec.World}:{Segmenter}", GanLayers,
            new DissectionSettings(), Samples: paths.UnderWritableData("gan", Core.Gan.GanSamples.FolderName(model, 1, GanSamples)));
        var id = store.Write(s => DissectGeneratorJob.CreateRun(s, parameters, GanRunName));
        jobs.Executor.Enqueue(new JobRequest(JobKind.DissectGenerator, GanRunName, parameters, RunId: id));
        log.LogInformation("Queued the demo GAN dissection run {Run}", id);
        return id;
    }

    /// <summary>Queues the tree removal curve and the context-insertion experiment on the demo GAN run's layer4, behind
    /// its dissection. Small samples to fit the first start: the removal curve on 60 latents has 99 % intervals of
    /// roughly ±0.1 of the remaining share at mid k (the paper's 500 give about ±0.04); the context chart on 8 latents
    /// ranks the common contexts (sky, grass, building) but leaves rare ones with few cells and wide intervals.</summary>
    private void EnsureGanCausalDemo(long ganRun)
    {
        if (store.Read(s => s.Gan.GetRemovalCurves(ganRun)).Count > 0) return;
        if (store.Read(s => s.Jobs.ListJobs()).Any(j => j.Title == GanCausalTitle && j.State is JobState.Queued or JobState.Running or JobState.Interrupted))
            return;
        var parameters = new GanCausalParameters(ganRun, "layer4", null, RemovalSamples: 60, MaxUnits: 20, ContextSamples: 8, ContextUnits: 20);
        jobs.Executor.Enqueue(new JobRequest(JobKind.GanCausal, GanCausalTitle, parameters));
    }

    /// <summary>Queues an attack batch toward bedroom (an indoor class) on the ablated layer, behind the ablation it
    /// needs; once, unless an experiment is stored or the job is waiting.</summary>
    private void EnsureAttackDemo(long run)
    {
        var layer = WorldVgg.ConvLayers[^1];
        if (store.Read(s => s.Attacks.GetAttackExperiments(run, layer)).Count > 0) return;
        if (store.Read(s => s.Jobs.ListJobs()).Any(j => j.Title == AttackTitle && j.State is JobState.Queued or JobState.Running or JobState.Interrupted))
            return;
        var parameters = new AttackParameters(run, layer, "bedroom", Count: AttackImages, Epsilon: "4/255");
        jobs.Executor.Enqueue(new JobRequest(JobKind.Attack, AttackTitle, parameters));
    }

    /// <summary>Queues the ImageNet ResNet-18 on the demo world's validation split, once: like the first demo, a run
    /// that is done, waiting or was cancelled is left be, and a failed one is replaced.</summary>
    private void EnsureImageNetDemo()
    {
        var demos = store.Read(s => s.Runs.ListRuns()).Where(r => r.Name == ImageNetRunName).ToList();
        if (demos.Any(r => r.Status is RunStatus.Done or RunStatus.Queued or RunStatus.Running or RunStatus.Cancelled)
            || DeletedByUser(ImageNetRunName)) return;
        foreach (var failed in demos) store.Write(s => s.Runs.DeleteRun(failed.Id));

        var world = paths.Resolve(options.Value.DemoWorld);
        if (!File.Exists(Path.Combine(world, "index.csv")))
        {
            log.LogWarning("No ImageNet demo: the demo world {World} is not there", world);
            return;
        }
        if (!File.Exists(ImageNetResNet18.ModelPath))
        {
            log.LogWarning("No ImageNet demo: the model file {Model} is missing", ImageNetResNet18.ModelPath);
            return;
        }
        var settings = new DissectionSettings { Split = "val", Limit = 1000 };
        var parameters = new DissectClassifierParameters(new ModelSpec(ImageNetResNet18.Name, null).ToString(), policy.Display(world),
            ImageNetResNet18.BlockOutputs, settings);
        var id = store.Write(s => DissectClassifierJob.CreateRun(s, parameters, ImageNetRunName));
        jobs.EnqueueForRun(id, parameters);
        log.LogInformation("Queued the ImageNet demo run {Run}", id);
    }

    /// <summary>A demo run its user deleted stays deleted: the first start makes each demo once, not again at every
    /// start (a deleted demo's ablation, attack and causal experiments are skipped with it).</summary>
    private bool DeletedByUser(string name) => store.Read(s => s.Runs.WasDeletedByUser(name));

    /// <summary>The last conv of every block: colours and materials early, objects late.</summary>
    internal static IReadOnlyList<string> WorldDemoLayers { get; } =
        WorldVgg.ConvLayers.GroupBy(l => l.Split('_')[0]).Select(g => g.Last()).ToArray();

    private void GenerateWorld(long id, string world, CancellationToken cancel)
    {
        store.Write(s => s.Runs.SetStatus(id, RunStatus.Running));
        var started = DateTime.UtcNow;
        var progress = new Progress<(int Done, int Total)>(p =>
        {
            var speed = p.Done / Math.Max(1e-3, (DateTime.UtcNow - started).TotalSeconds);
            try { store.Write(s => s.Runs.UpdateProgress(id, "generating the synthetic world", (double)p.Done / p.Total, speed)); }
            catch (Exception) { /* progress is best effort */ }
        });
        // The same seed and size as the world the classifier was trained on; images depend only on (seed, index),
        // so the first N images equal the first N of the full 12,000-image world.
        WorldGenerator.Generate(new WorldOptions(world, Count: options.Value.DemoWorldCount, Size: 128, Seed: 1), progress, cancel);
        log.LogInformation("Generated the demo world in {Seconds:F0} s", (DateTime.UtcNow - started).TotalSeconds);
    }
}
