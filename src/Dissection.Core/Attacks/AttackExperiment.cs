// The paper's adversarial experiment (network-dissection.md §4, last bullet): attack many validation images toward
// one target class and compare how much the attack moved the peak activations of the target's important units,
// of the source's (the clean prediction's) important units, and of all other units.
using System.Diagnostics;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Probing;
using Dissection.Core.Statistics;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Core.Attacks;

public static class AttackExperiment
{
    /// <summary>
    /// Draws images of the split in a seeded random order, skips those labelled as the target
    /// (<paramref name="imageClasses"/>, by dataset image index; -1 = unknown) or predicted as the target, and
    /// attacks the first <c>Count</c> others. Group statistics are over the successful attacks; one image adds its
    /// group means (the units of one image are not independent samples, the images are).
    /// </summary>
    /// <exception cref="InvalidOperationException">the target has no important units in the layer.</exception>
    /// <exception cref="ArgumentException">bad settings, unknown layer or target, or no image to attack.</exception>
    public static AttackExperimentResult Run(LoadedModel model, ConceptDataset dataset, ImportantUnits important,
        AttackExperimentSettings settings, int[]? imageClasses = null, IProgress<DissectionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(important);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var size = model.Preprocessing.InputSize;
        settings.Attack.Validate(3L * size * size);
        var classes = model.NumClasses ?? throw new ArgumentException($"model {model.Spec} is not a classifier");
        var target = settings.Target;
        if (target < 0 || target >= classes)
            throw new ArgumentException($"target class {target} does not exist; the model has {classes} classes (0..{classes - 1})");
        if (important.Layer != settings.Layer)
            throw new ArgumentException($"the important units are for layer {important.Layer}, not {settings.Layer}");
        if (imageClasses is not null && imageClasses.Length != dataset.Images.Count)
            throw new ArgumentException($"{imageClasses.Length} image classes for {dataset.Images.Count} images");
        var targetName = ClassName(model, target);
        var targetUnits = important.For(target, targetName);

        var notes = new List<string>();
        var pool = dataset.Images.Where(i => i.Split == settings.Split).ToList();
        if (pool.Count == 0)
        {
            pool = dataset.Images.ToList();
            notes.Add($"no '{settings.Split}' split: images drawn from the whole dataset");
        }
        Shuffle(pool, settings.Attack.Seed);
        var labelled = imageClasses is null ? 0 : pool.Count(i => imageClasses[i.Index] == target);
        if (labelled > 0) pool = pool.Where(i => imageClasses![i.Index] != target).ToList();

        using var probe = new LayerProbe(model, [settings.Layer]);
        var groups = GroupStatistics.Names.ToDictionary(g => g, _ => (Abs: new List<double>(), Signed: new List<double>()));
        int attempted = 0, succeeded = 0, predictedTarget = 0, unreadable = 0, batchNumber = 0;
        double steps = 0, targetProbability = 0, linf = 0, l2 = 0;
        var sourcesWithoutUnits = new SortedSet<string>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var next = 0;
        progress?.Report(new DissectionProgress("attacking", 0, settings.Count, 0));

        while (attempted < settings.Count && next < pool.Count)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var batch = pool.Skip(next).Take(Math.Min(settings.BatchSize, settings.Count - attempted)).ToList();
            next += batch.Count;
            var loaded = dataset.LoadImages(batch, size);
            unreadable += loaded.Failures.Count;
            var failed = loaded.Failures.Select(f => f.Index).ToHashSet();
            var images = loaded.Pixels.to(model.Device);

            var (cleanActs, cleanLogits) = probe.Run(model.Preprocessing.Apply(images));
            var cleanPeaks = PeakActivations.Of(cleanActs[settings.Layer]);
            var predictions = cleanLogits.argmax(1).cpu().data<long>().ToArray();
            foreach (var t in cleanActs.Values) t.Dispose();
            cleanLogits.Dispose();

            var keep = Enumerable.Range(0, batch.Count).Where(i => !failed.Contains(i) && predictions[i] != target).ToList();
            predictedTarget += Enumerable.Range(0, batch.Count).Count(i => !failed.Contains(i) && predictions[i] == target);
            if (keep.Count == 0) continue;

            var kept = images.index_select(0, tensor(keep.Select(i => (long)i).ToArray(), device: images.device));
            var attack = settings.Attack with { Seed = settings.Attack.Seed + batchNumber++ };
            using var adversarial = TargetedAttack.Run(model, kept, keep.Select(_ => target).ToList(), attack, cancel: cancel);
            var (advActs, advLogits) = probe.Run(model.Preprocessing.Apply(adversarial.Images));
            var advPeaks = PeakActivations.Of(advActs[settings.Layer]);
            foreach (var t in advActs.Values) t.Dispose();
            advLogits.Dispose();

            for (var k = 0; k < keep.Count; k++)
            {
                var outcome = adversarial.Outcomes[k];
                attempted++;
                steps += outcome.Steps;
                targetProbability += outcome.TargetProbability;
                linf += outcome.Linf;
                l2 += outcome.L2;
                if (!outcome.Success) continue;
                succeeded++;
                var source = (int)predictions[keep[k]];
                int[] sourceUnits = [];
                if (important.Has(source)) sourceUnits = important.ByClass[source];
                else sourcesWithoutUnits.Add(ClassName(model, source));
                var shift = UnitGroupShift.Of(new PeakShift(cleanPeaks[keep[k]], advPeaks[k]), targetUnits, sourceUnits);
                Add(groups[GroupStatistics.Target], shift.TargetAbs, shift.TargetSigned);
                Add(groups[GroupStatistics.Source], shift.SourceAbs, shift.SourceSigned);
                Add(groups[GroupStatistics.Other], shift.OtherAbs, shift.OtherSigned);
            }
            progress?.Report(new DissectionProgress("attacking", attempted, settings.Count,
                attempted / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }

        if (attempted == 0)
            throw new ArgumentException($"no image to attack: of {pool.Count + labelled} images in the pool, {labelled} are labelled " +
                                        $"{targetName}, {predictedTarget} are predicted as it and {unreadable} are unreadable");
        if (attempted < settings.Count) notes.Add($"only {attempted} of {settings.Count} requested images could be attacked");
        if (labelled > 0) notes.Add($"{labelled} images labelled {targetName} skipped");
        if (predictedTarget > 0) notes.Add($"{predictedTarget} images already predicted as {targetName} skipped");
        if (unreadable > 0) notes.Add($"{unreadable} unreadable images skipped");
        if (sourcesWithoutUnits.Count > 0)
            notes.Add($"source classes without important units (left out of the source group): {string.Join(", ", sourcesWithoutUnits)}");

        return new AttackExperimentResult(settings.Layer, target, targetName, settings.Attack, settings.Count, attempted, succeeded,
            steps / attempted, targetProbability / attempted, linf / attempted, l2 / attempted, targetUnits,
            GroupStatistics.Names.Select(g => new GroupStatistics(g, MeanInterval.Of(groups[g].Abs), MeanInterval.Of(groups[g].Signed))).ToList(),
            string.Join("; ", notes));
    }

    public static string ClassName(LoadedModel model, int cls) =>
        model.ClassNames is { } names && cls >= 0 && cls < names.Count ? names[cls] : $"class {cls}";

    private static void Add((List<double> Abs, List<double> Signed) group, double abs, double signed)
    {
        group.Abs.Add(abs);
        group.Signed.Add(signed);
    }

    /// <summary>Fisher–Yates with System.Random(seed): the same seed gives the same order on every run.</summary>
    private static void Shuffle<T>(IList<T> list, long seed)
    {
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
