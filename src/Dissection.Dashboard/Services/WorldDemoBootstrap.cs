// The first-start demo: generates the synthetic world (if missing) and dissects the shipped world-vgg classifier on
// its validation split, in the background, so a newcomer sees network dissection work without setting anything up.
// Progress goes to the store like any run, so the home page shows it; later starts find the run done and do nothing.
// Then a second demo run is queued behind it: the ImageNet ResNet-18 on the same world, so users can compare a real
// network with the toy one. The job host runs one run at a time in order, so it never delays the first demo.
using Dissection.Core.Dissection;
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

    public async Task EnsureDemoAsync(CancellationToken cancel)
    {
        await EnsureWorldVggDemoAsync(cancel);
        if (options.Value.DemoImageNet && !cancel.IsCancellationRequested) EnsureImageNetDemo();
    }

    private async Task EnsureWorldVggDemoAsync(CancellationToken cancel)
    {
        var demos = store.Read(s => s.ListRuns()).Where(r => r.Name == RunName).ToList();
        // Done, or waiting in this process's queue, or deliberately cancelled by the user: leave it be.
        if (demos.Any(r => r.Status is RunStatus.Done or RunStatus.Queued or RunStatus.Running or RunStatus.Cancelled)) return;
        // A demo that failed (e.g. the process died half-way) is replaced by a fresh one.
        foreach (var failed in demos) store.Write(s => s.DeleteRun(failed.Id));

        var checkpoint = paths.Resolve(Checkpoint);
        if (!File.Exists(checkpoint))
        {
            log.LogWarning("No demo: the shipped classifier {Checkpoint} is missing", checkpoint);
            return;
        }
        var world = paths.Resolve(options.Value.DemoWorld);
        var settings = new DissectionSettings { Split = "val", Limit = 1000 };
        var parameters = new DissectClassifierParameters(new ModelSpec("world-vgg", Checkpoint).ToString(), policy.Display(world),
            WorldDemoLayers, settings);
        var id = store.Read(s => DissectClassifierJob.CreateRun(s, parameters, RunName));
        try
        {
            if (!File.Exists(Path.Combine(world, "index.csv")))
                await Task.Run(() => GenerateWorld(id, world, cancel), cancel);
            jobs.EnqueueForRun(id, parameters);
        }
        catch (OperationCanceledException)
        {
            store.Write(s => s.SetStatus(id, RunStatus.Failed, "Interrupted while generating the world: the dashboard was shut down."));
        }
        catch (Exception e)
        {
            log.LogError(e, "The demo world could not be generated");
            store.Write(s => s.SetStatus(id, RunStatus.Failed, $"The demo world could not be generated: {e.Message}"));
        }
    }

    /// <summary>Queues the ImageNet ResNet-18 on the demo world's validation split, once: like the first demo, a run
    /// that is done, waiting or was cancelled is left be, and a failed one is replaced.</summary>
    private void EnsureImageNetDemo()
    {
        var demos = store.Read(s => s.ListRuns()).Where(r => r.Name == ImageNetRunName).ToList();
        if (demos.Any(r => r.Status is RunStatus.Done or RunStatus.Queued or RunStatus.Running or RunStatus.Cancelled)) return;
        foreach (var failed in demos) store.Write(s => s.DeleteRun(failed.Id));

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
        var id = store.Read(s => DissectClassifierJob.CreateRun(s, parameters, ImageNetRunName));
        jobs.EnqueueForRun(id, parameters);
        log.LogInformation("Queued the ImageNet demo run {Run}", id);
    }

    /// <summary>The last conv of every block: colours and materials early, objects late.</summary>
    internal static IReadOnlyList<string> WorldDemoLayers { get; } =
        WorldVgg.ConvLayers.GroupBy(l => l.Split('_')[0]).Select(g => g.Last()).ToArray();

    private void GenerateWorld(long id, string world, CancellationToken cancel)
    {
        store.Write(s => s.SetStatus(id, RunStatus.Running));
        var started = DateTime.UtcNow;
        var progress = new Progress<(int Done, int Total)>(p =>
        {
            var speed = p.Done / Math.Max(1e-3, (DateTime.UtcNow - started).TotalSeconds);
            try { store.Write(s => s.UpdateProgress(id, "generating the synthetic world", (double)p.Done / p.Total, speed)); }
            catch (Exception) { /* progress is best effort */ }
        });
        // The same seed and size as the world the classifier was trained on; images depend only on (seed, index),
        // so the first N images equal the first N of the full 12,000-image world.
        WorldGenerator.Generate(new WorldOptions(world, Count: options.Value.DemoWorldCount, Size: 128, Seed: 1), progress, cancel);
        log.LogInformation("Generated the demo world in {Seconds:F0} s", (DateTime.UtcNow - started).TotalSeconds);
    }
}
