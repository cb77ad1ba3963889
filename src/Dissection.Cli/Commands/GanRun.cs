// `dissect run` with a z dataset (--dataset z:SEED:COUNT): generator dissection. The samples are generated and
// segmented into a cached Broden folder, dissected by the ordinary pipeline, and stored as an ordinary run plus its
// GAN record (samples, full concept IoUs), so every dashboard page and the playground can use it.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Generation;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using TorchSharp;

namespace Dissection.Cli.Commands;

internal static class GanRun
{
    public const string Usage = """

        Generator dissection (a z dataset instead of a folder):
        --model proggan:PATH     the generator
        --dataset z:SEED:COUNT   the latents: the first COUNT of seed SEED (e.g. z:1:10000)
        --segmenter SPEC         labels the samples: world-seg:PATH (e.g. world-seg:data/models/world-seg.pt) (required)
        --samples DIR            where the generated samples are written and cached (default data/gan/<name>-seed<S>-n<N>)
        --seg-size S             segmentation side (default min(64, image size))
        """;

    public static int Run(Args args, ModelSpec spec, string dataset, IReadOnlyList<string> layers, DissectionSettings settings, CancellationToken cancel)
    {
        var z = ZSpec.Parse(dataset);
        var segmenterSpec = args.Required("segmenter");
        var samplesDir = args.String("samples");
        var segSize = args.Int("seg-size");
        var db = args.String("db", ResultsStore.DefaultPath);
        var name = args.String("name");
        args.EnsureAllUsed();
        if (!string.Equals(spec.Arch, GeneratorSpec.Arch, StringComparison.OrdinalIgnoreCase))
            throw new ArgsException($"a z dataset needs a generator: --model {GeneratorSpec.Arch}:PATH, got '{spec}'");
        if (settings.Split is not null) throw new ArgsException("--split does not apply to a z dataset (use --limit or a smaller COUNT)");

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        using var generator = GeneratorSpec.Load(spec.ToString());
        generator.eval();
        // Check the layers before spending minutes on samples.
        var known = generator.Layout.BlockNames;
        foreach (var layer in layers)
            if (!known.Contains(layer)) throw new ArgsException($"--layers: '{layer}' is not a layer of {spec}; its layers are {string.Join(", ", known)}");
        using var segmenter = SegmenterSpec.Load(segmenterSpec);
        samplesDir ??= GanSamples.DefaultFolder(spec.ToString(), z.Seed, z.Count);

        var console = new ConsoleProgress();
        var samples = GanSamples.Materialize(generator, spec.ToString(), segmenter, z.Seed, z.Count, samplesDir, segSize,
            Math.Min(settings.BatchSize, 32), console, cancel);
        var folder = ConceptDataset.Open(samples.Folder);
        // Stored as given (like a classifier run's --dataset), so a relative data/gan/... keeps working when the
        // repository moves.
        samples = samples with { Folder = samplesDir };

        if (Path.GetDirectoryName(Path.GetFullPath(db)) is { } dbFolder) Directory.CreateDirectory(dbFolder);
        using var store = ResultsStore.Open(db);
        name ??= $"{Path.GetFileNameWithoutExtension(spec.Checkpoint)} on {z}: {string.Join(",", layers)}";
        // The run's dataset is the samples folder: galleries read the generated images from it.
        var runId = store.CreateRun(name, spec.ToString(), samples.Folder, layers, settings with { Split = null });
        store.SetStatus(runId, RunStatus.Running);
        Console.Error.WriteLine($"run {runId}: {name} (samples in {folder.Root})");
        return RunCommand.Tracked(store, runId, console, progress =>
        {
            using var latents = ZDataset.FromSeed(generator.ZDim, z.Seed, z.Count);
            var results = GeneratorDissection.Execute(generator, folder, latents, layers, settings, progress, cancel);
            store.UpdateProgress(runId, "saving", 1, 0);
            GeneratorDissection.Save(store, runId, samples, results, settings.TopConcepts);
            store.SetStatus(runId, RunStatus.Done, null, results[0].Images);
            foreach (var layer in results)
            {
                var detectors = layer.Units.Count(u => u.IsDetector(settings.IouThreshold));
                var concepts = layer.Units.Where(u => u.IsDetector(settings.IouThreshold)).Select(u => u.Label!.Name).Distinct().Count();
                Console.Error.WriteLine($"{layer.Layer}: {layer.Units.Count} units, {detectors} detectors (IoU > {settings.IouThreshold}) " +
                                        $"of {concepts} concepts, {layer.Images} samples, {layer.Elapsed.TotalSeconds:F1} s");
            }
        });
    }
}
