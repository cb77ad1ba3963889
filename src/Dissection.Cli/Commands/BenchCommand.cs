// `dissect bench`: how much a dissection costs compared with just running the model, and whether its peak memory
// stays flat as the dataset grows. Machines are noisy, so every figure is a ratio against a baseline measured in the
// same invocation: dissection time / plain forward time (target <= 2), and peak memory at 4N images / at N images
// (target <= 1.10), each peak measured in a fresh child process from /proc/self/status VmHWM. The time pair (forward,
// then dissection) is repeated and the median ratio reported, because one pair can land on a noisy second.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using TorchSharp;
using Dissection.Core.Statistics;
using Dissection.Core.Work;
using static TorchSharp.torch;

namespace Dissection.Cli.Commands;

public sealed class BenchCommand : Verb
{
    private readonly DissectionOptions _dissection = new();
    private readonly Option<int> _images = CliOptions.Int("--images",
        "images for the timing and the small memory run; the large run uses 4N. Keep N past the first ~150 images, where the " +
        "heaps are still growing to their working size: below that, N vs 4N measures warm-up, not growth", 256, min: 1);
    private readonly Option<int> _repeat = CliOptions.Int("--repeat", "forward/dissection pairs to time, and processes per memory peak; medians are reported", 3, min: 1, helpName: "R");
    private readonly Option<bool> _noMemory = CliOptions.Flag("--no-memory", "skip the two child processes that measure peak memory");
    private readonly Option<bool> _childPeak = new("--child-peak") { Hidden = true };

    public BenchCommand() : base("bench", "time a dissection against a plain forward pass and check its memory stays flat")
    {
        Add(_dissection.All);
        Add(_images, _repeat, _noMemory, _childPeak);
        _dissection.Require(this);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var (spec, options, datasetDir, layers, settings) = _dissection.Read(parse);
        var n = parse.GetValue(_images);
        var child = parse.GetValue(_childPeak);
        var noMemory = parse.GetValue(_noMemory);
        var repeat = parse.GetValue(_repeat);

        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        var dataset = ConceptDataset.Open(datasetDir);
        using var model = ModelRegistry.Load(spec, options);
        var available = DissectionRun.SelectImages(dataset.Images, settings with { Limit = null }).Count;
        if (child)
        {
            DissectionRun.Execute(model, dataset, layers, settings with { Limit = n }, null, cancel);
            Console.WriteLine($"peak_kb={PeakKb()}");
            return 0;
        }
        if (available < n) throw new UsageException($"--images {n} is more than the {available} images available");
        var run = settings with { Limit = n };
        var images = DissectionRun.SelectImages(dataset.Images, run);

        Console.Error.WriteLine($"bench: {spec} on {datasetDir}, layers {string.Join(",", layers)}, {n} images, batch {run.BatchSize}, " +
                                $"{torch.get_num_threads()} torch threads");
        PlainForward(model, dataset, images.Take(run.BatchSize).ToList(), run.BatchSize, cancel);   // warm-up
        var ratios = new List<double>();
        for (var r = 1; r <= repeat; r++)
        {
            var forward = Stopwatch.StartNew();
            PlainForward(model, dataset, images, run.BatchSize, cancel);
            forward.Stop();
            var phases = new PhaseTimes();
            var dissect = Stopwatch.StartNew();
            DissectionRun.Execute(model, dataset, layers, run, phases, cancel);
            dissect.Stop();
            phases.Stop();

            var f = forward.Elapsed.TotalSeconds;
            var d = dissect.Elapsed.TotalSeconds;
            ratios.Add(d / f);
            Console.WriteLine($"pair {r}/{repeat}:");
            Console.WriteLine($"  plain forward:   {n / f,8:F1} images/s  ({f:F2} s)");
            Console.WriteLine($"  full dissection: {n / d,8:F1} images/s  ({d:F2} s)");
            Console.WriteLine($"  dissection / forward time: {d / f:F2}x");
            foreach (var (phase, seconds) in phases.Seconds) Console.WriteLine($"    {phase,-22} {seconds,7:F2} s  ({seconds / f:F2}x forward)");
        }
        var sorted = ratios.Order().ToList();
        var median = Percentiles.Median(ratios);
        Console.WriteLine($"dissection / forward time, median of {repeat}: {median:F2}x  (range {sorted[0]:F2}-{sorted[^1]:F2}; target <= 2.00)");

        if (noMemory) return 0;
        var big = 4 * n;
        if (available < big) Console.Error.WriteLine($"bench: only {available} images, the large memory run uses {available} instead of {big}");
        big = Math.Min(big, available);
        // Each peak is the median of `repeat` fresh processes: one process's peak varies by a few percent from run to run.
        long MedianPeak(int images) =>
            (long)Percentiles.Median(Enumerable.Range(0, repeat).Select(_ => (double)ChildPeak(spec, options, datasetDir, layers, settings, images)).ToList());
        var peakSmall = MedianPeak(n);
        var peakBig = MedianPeak(big);
        Console.WriteLine($"peak memory (VmHWM, median of {repeat} processes each): {peakSmall / 1024.0:F0} MiB at {n} images, {peakBig / 1024.0:F0} MiB at {big} images");
        Console.WriteLine($"peak at {big} / peak at {n}: {(double)peakBig / peakSmall:F3}  (target <= 1.10)");
        return 0;
    }

    /// <summary>Model only: the same batching and parallel decoding as the dissection, no hooks, no tallies.</summary>
    private static void PlainForward(LoadedModel model, ConceptDataset dataset, IReadOnlyList<DatasetImage> images, int batchSize, CancellationToken cancel)
    {
        using var noGrad = no_grad();
        var size = model.Preprocessing.InputSize;
        Tensor Load(DatasetImage[] batch)
        {
            using var loaded = dataset.LoadImages(batch, size, Math.Max(1, Environment.ProcessorCount));
            return loaded.Pixels.alias();
        }
        var batches = images.Chunk(batchSize).ToList();
        var next = Task.Run(() => Load(batches[0]));
        for (var b = 0; b < batches.Count; b++)
        {
            cancel.ThrowIfCancellationRequested();
            using var pixels = next.GetAwaiter().GetResult();
            if (b + 1 < batches.Count) { var following = batches[b + 1]; next = Task.Run(() => Load(following)); }
            using var scope = NewDisposeScope();
            model.Module.call(model.Preprocessing.Apply(pixels.to(model.Device)));
        }
    }

    /// <summary>Wall time per dissection phase, from the progress reports.</summary>
    private sealed class PhaseTimes : IProgress<DissectionProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private string? _phase;
        private double _start;
        public List<(string Phase, double Seconds)> Seconds { get; } = [];

        public void Report(DissectionProgress value)
        {
            if (value.Phase == _phase) return;
            Stop();
            (_phase, _start) = (value.Phase, _clock.Elapsed.TotalSeconds);
        }

        public void Stop()
        {
            if (_phase is not null) Seconds.Add((_phase, _clock.Elapsed.TotalSeconds - _start));
            _phase = null;
        }
    }

    private static long PeakKb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException("VmHWM not found in /proc/self/status");
    }

    private static long ChildPeak(ModelSpec spec, ModelOptions options, string dataset, IReadOnlyList<string> layers,
        DissectionSettings s, int images)
    {
        var exe = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find the dissect executable");
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(BenchCommand).Assembly.Location);
        string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
        var list = new List<string>
        {
            "bench", "--child-peak", "--model", spec.ToString(), "--dataset", dataset, "--layers", string.Join(",", layers),
            "--images", images.ToString(CultureInfo.InvariantCulture), "--batch", s.BatchSize.ToString(CultureInfo.InvariantCulture),
            "--method", s.Method == DissectionMethod.Cvpr17 ? "cvpr17" : "pnas", "--quantile", Num(s.Quantile),
            "--topk", s.TopK.ToString(CultureInfo.InvariantCulture), "--device", options.Device,
        };
        if (s.Split is { } split) list.AddRange(["--split", split]);
        if (options.InputSize is { } size) list.AddRange(["--input-size", size.ToString(CultureInfo.InvariantCulture)]);
        if (options.Mean is { } mean) list.AddRange(["--mean", string.Join(",", mean.Select(m => Num(m)))]);
        if (options.Std is { } std) list.AddRange(["--std", string.Join(",", std.Select(m => Num(m)))]);
        foreach (var a in list) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the memory child process");
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("peak_kb=", StringComparison.Ordinal));
        if (p.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"memory child ({images} images) failed with exit code {p.ExitCode}: {stderr.Result.Trim()}");
        return long.Parse(line[8..].Trim(), CultureInfo.InvariantCulture);
    }
}
