// `dissect bench-share`: a GAN paint edit alone, beside a running dissection job, and beside a job that gives way to
// interactive work (the dashboard's setting), with the job's rate in each; ratios against the edit alone and the job
// alone, measured side by side in one process and one run.
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class BenchShareCommand : ICommand
{
    public string Name => "bench-share";
    public string Summary => "time a GAN edit beside a running dissection job, with and without interactive priority";
    public string Usage => """
          --gan SPEC            proggan:PATH (default proggan:data/models/world-gan.pt)
          --layer L             edited layer (default layer4)
          --model SPEC          the job's classifier (default world-vgg:data/models/world-vgg.pt)
          --dataset PATH        the job's dataset (default data/world)
          --job-layer L         the job's layer (default features.conv5_2)
          --rounds N            rounds of the three conditions (default 3)
          --edits N             edits per condition and round (default 30)
          --pause MS            a painter's pause between strokes (default 250)
          --threads T           torch threads (default 2: the target machine)
        """;

    public int Run(Args args, CancellationToken cancel)
    {
        var gan = args.String("gan", "proggan:data/models/world-gan.pt");
        var layer = args.String("layer", "layer4");
        var model = args.String("model", "world-vgg:data/models/world-vgg.pt");
        var dataset = args.String("dataset", "data/world");
        var jobLayer = args.String("job-layer", "features.conv5_2");
        var rounds = args.Int("rounds", 3);
        var edits = args.Int("edits", 30);
        var pause = args.Int("pause", 250);
        var threads = args.Int("threads", 2);
        args.EnsureAllUsed();
        if (rounds < 1) throw new ArgsException($"--rounds must be at least 1, got {rounds}");
        if (edits < 2) throw new ArgsException($"--edits must be at least 2, got {edits}");
        if (pause < 0) throw new ArgsException($"--pause must be at least 0, got {pause}");
        if (threads < 1) throw new ArgsException($"--threads must be at least 1, got {threads}");
        if (!Directory.Exists(dataset)) throw new ArgsException($"--dataset: no folder '{dataset}' (run `dissect world` first)");

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
