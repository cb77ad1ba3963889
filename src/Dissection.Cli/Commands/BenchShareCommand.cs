// `dissect bench-share`: a GAN paint edit alone, beside a running dissection job, and beside a job that gives way to
// interactive work (the dashboard's setting), with the job's rate in each; ratios against the edit alone and the job
// alone, measured side by side in one process and one run.
using System.CommandLine;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class BenchShareCommand : Verb
{
    private readonly Option<string> _gan = CliOptions.TextOr("--gan", "the edited generator", "proggan:data/models/world-gan.pt", "SPEC");
    private readonly Option<string> _layer = CliOptions.TextOr("--layer", "edited layer", "layer4", "L");
    private readonly Option<string> _model = CliOptions.TextOr("--model", "the job's classifier", "world-vgg:data/models/world-vgg.pt", "SPEC");
    private readonly Option<string> _dataset = CliOptions.TextOr("--dataset", "the job's dataset", "data/world", "PATH");
    private readonly Option<string> _jobLayer = CliOptions.TextOr("--job-layer", "the job's layer", "features.conv5_2", "L");
    private readonly Option<int> _rounds = CliOptions.Int("--rounds", "rounds of the three conditions", 3, min: 1);
    private readonly Option<int> _edits = CliOptions.Int("--edits", "edits per condition and round", 30, min: 2);
    private readonly Option<int> _pause = CliOptions.Int("--pause", "a painter's pause between strokes in ms", 250, min: 0, helpName: "MS");
    private readonly Option<int> _threads = CliOptions.Int("--threads", "torch threads (2: the target machine)", 2, min: 1, helpName: "T");

    public BenchShareCommand() : base("bench-share", "time a GAN edit beside a running dissection job, with and without interactive priority")
    {
        Add(_gan, _layer, _model, _dataset, _jobLayer, _rounds, _edits, _pause, _threads);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var gan = parse.GetValue(_gan)!;
        var layer = parse.GetValue(_layer)!;
        var model = parse.GetValue(_model)!;
        var dataset = parse.GetValue(_dataset)!;
        var jobLayer = parse.GetValue(_jobLayer)!;
        var rounds = parse.GetValue(_rounds);
        var edits = parse.GetValue(_edits);
        var pause = parse.GetValue(_pause);
        var threads = parse.GetValue(_threads);
        if (!Directory.Exists(dataset)) throw new UsageException($"--dataset: no folder '{dataset}' (run `dissect world` first)");
        torch.set_num_threads(threads);
        var generator = GeneratorSpec.Load(gan);
        generator.eval();
        var scratch = Path.Combine(Path.GetTempPath(), "dissect-bench-share-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(scratch);
        try
        {
            var job = new DissectClassifierParameters(model, Path.GetFullPath(dataset), [jobLayer], new DissectionSettings());
            Console.WriteLine($"edit: {gan} {layer}, one painter, {pause} ms between strokes; job: dissect {model} {jobLayer} on {dataset}; {threads} threads");
            var r = CpuShareBenchmark.RunAsync(Path.Combine(scratch, "results.db"), Directory.GetCurrentDirectory(), scratch, job,
                priority => new SharedGenerator(gan, generator, priority), layer, rounds, edits, pause,
                line => Console.Error.WriteLine(line), cancel).GetAwaiter().GetResult();
            var alone = r.Conditions[0].Edit;
            Console.WriteLine($"{r.Rounds} rounds x {r.EditsPerRound} edits per condition; job alone {r.JobAloneImagesPerSecond:F1} images/s");
            Console.WriteLine($"{"condition",-16} {"edit p50",9} {"edit p95",9} {"p95/alone",9} {"job img/s",9} {"job/alone",9} {"job paused",10}");
            foreach (var c in r.Conditions)
                Console.WriteLine($"{c.Name,-16} {c.Edit.P50Ms,7:F1}ms {c.Edit.P95Ms,7:F1}ms {c.Edit.P95Ms / alone.P95Ms,8:F2}x " +
                                  $"{c.JobImagesPerSecond,9:F1} {c.JobImagesPerSecond / r.JobAloneImagesPerSecond,8:F2}x {c.JobPaused.TotalSeconds,9:F1}s");
            return 0;
        }
        finally
        {
            generator.Dispose();
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
    }
}
