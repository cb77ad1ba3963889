// `dissect world`: generates the synthetic world (a Broden-format dataset with exact labels) and reports its speed.
using System.CommandLine;
using System.Diagnostics;
using Dissection.Core.Dissection;
using Dissection.Core.World;
using Dissection.Core.Work;

namespace Dissection.Cli.Commands;

public sealed class WorldCommand : Verb
{
    private readonly Option<string> _out = CliOptions.Text("--out", "output folder (default data/world)", "DIR");
    private readonly Option<int> _count = CliOptions.Int("--count", "number of images", 12000, min: 1);
    private readonly Option<int> _size = CliOptions.Int("--size", "image size in pixels (segmentation is half of it)", 128, min: 2, helpName: "PX");
    private readonly Option<int> _seed = CliOptions.Int("--seed", "random seed; the same seed gives byte-identical files", 1);
    private readonly Option<int> _threads = CliOptions.Int("--threads", "worker threads (0: one per core)", 0, min: 0);
    private readonly Option<string> _preview = CliOptions.Text("--preview", "only write a contact sheet of the first 30 images and their labels (see --plane)", "PNG");
    private readonly Option<string> _plane = CliOptions.Choice("--plane", "the labels --preview shows", "object", "object", "part", "material", "color");
    private readonly Option<bool> _bench = CliOptions.Flag("--bench", "generate into a temporary folder, report images/s and delete it");

    public WorldCommand() : base("world", "generate the synthetic world: scenes with exact object/part/material/colour labels") =>
        Add(_out, _count, _size, _seed, _threads, _preview, _plane, _bench);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var bench = parse.GetValue(_bench);
        if (parse.GetValue(_preview) is { } preview)
        {
            WorldPreview.Write(preview, parse.GetValue(_seed), 30, parse.GetValue(_size), parse.GetValue(_plane)!.ToLowerInvariant());
            Console.WriteLine($"wrote {preview}");
            return 0;
        }
        var outDir = parse.GetValue(_out) ?? (bench ? Path.Combine(Path.GetTempPath(), $"world-bench-{Environment.ProcessId}") : "data/world");
        var options = new WorldOptions(outDir, parse.GetValue(_count), parse.GetValue(_size), parse.GetValue(_seed), Threads: parse.GetValue(_threads));

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
