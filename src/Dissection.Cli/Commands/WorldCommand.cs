// `dissect world`: generates the synthetic world (a Broden-format dataset with exact labels) and reports its speed.
using System.Diagnostics;
using Dissection.Core.Dissection;
using Dissection.Core.World;
using Dissection.Core.Work;

namespace Dissection.Cli.Commands;

public sealed class WorldCommand : ICommand
{
    public string Name => "world";
    public string Summary => "generate the synthetic world: scenes with exact object/part/material/colour labels";
    public string Usage => """
        --out DIR        output folder (default data/world)
        --count N        number of images (default 12000)
        --size PX        image size in pixels (default 128; segmentation is half of it)
        --seed N         random seed (default 1); the same seed gives byte-identical files
        --threads N      worker threads (default: one per core)
        --preview PNG    only write a contact sheet of the first 30 images and their labels (--plane object|part|material|color)
        --bench          generate into a temporary folder, report images/s and delete it
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var bench = args.Flag("bench");
        if (args.String("preview") is { } preview)
        {
            var plane = args.String("plane", "object");
            var (seed, size) = (args.Int("seed", 1), args.Int("size", 128));
            args.EnsureAllUsed();
            WorldPreview.Write(preview, seed, 30, size, plane);
            Console.WriteLine($"wrote {preview}");
            return 0;
        }
        var outDir = args.String("out", bench ? Path.Combine(Path.GetTempPath(), $"world-bench-{Environment.ProcessId}") : "data/world");
        var options = new WorldOptions(outDir, args.Int("count", 12000), args.Int("size", 128), args.Int("seed", 1), Threads: args.Int("threads", 0));
        args.EnsureAllUsed();

        var progress = new BarProgress(new ConsoleProgress(), Stopwatch.StartNew());
        try
        {
            var summary = WorldGenerator.Generate(options, progress, cancel);
            Console.WriteLine($"generated {summary.Count} images of {summary.Size}x{summary.Size} (segmentation {summary.SegSize}x{summary.SegSize}) " +
                              $"in {summary.Elapsed.TotalSeconds:F1} s ({summary.ImagesPerSecond:F0} images/s, {Environment.ProcessorCount} cores) -> {summary.Directory}");
        }
        finally
        {
            if (bench && Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true);
        }
        return 0;
    }

    // Reports come from worker threads; the bar is not thread-safe, so they are serialised here.
    private sealed class BarProgress(ConsoleProgress bar, Stopwatch clock) : IProgress<(int Done, int Total)>
    {
        private readonly Lock _gate = new();
        public void Report((int Done, int Total) p)
        {
            lock (_gate) bar.Report(new DissectionProgress("generating world", p.Done, p.Total, p.Done / Math.Max(1e-9, clock.Elapsed.TotalSeconds)));
        }
    }
}
