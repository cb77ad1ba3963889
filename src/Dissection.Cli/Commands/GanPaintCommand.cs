// `dissect gan-paint`: how often painting a concept on the ground works, as a playground user would paint it — each
// concept's top units (the playground's default strength) switched on in the most-ground block of cells, over many
// seeds (PaintingExperiment). A measurement for choosing and checking the demo GAN; nothing is stored.
using System.CommandLine;
using Dissection.Core.Gan;
using Dissection.Core.Storage;
using Dissection.Core.Work;
using TorchSharp;

namespace Dissection.Cli.Commands;

public sealed class GanPaintCommand : Verb
{
    private readonly Option<long?> _run = CliOptions.Run("a stored generator run (from `dissect run --dataset z:SEED:COUNT`)");
    private readonly Option<string> _db = CliOptions.Db();
    private readonly Option<string> _layer = CliOptions.Text("--layer", "a dissected layer of the run (default: the run's first layer)", "L");
    private readonly Option<IReadOnlyList<string>> _concepts = CliOptions.List("--concepts", "concepts to paint (default: tree, bush, rock, house, fence)");
    private readonly Option<int> _strength = CliOptions.Int("--strength", "how many of a concept's top units a stroke switches on (the playground's default)", 10, min: 1);
    private readonly Option<int> _samples = CliOptions.Int("--samples", "seeds painted", 100, min: 1);
    private readonly Option<long?> _seed = CliOptions.Long("--seed", "seed of the painted latents (default: the run's seed + 1)", "S");
    private readonly Option<int> _block = CliOptions.Int("--block", "side of the painted square, in cells of the layer", 3, min: 1);
    private readonly Option<double> _minGain = CliOptions.Number("--min-gain", "share of the square's pixels that must become the concept", 0.05);

    public GanPaintCommand() : base("gan-paint", "paint each concept's top units on the ground of many seeds and count how often the concept appears") =>
        Add(_run, _db, _layer, _concepts, _strength, _samples, _seed, _block, _minGain);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var db = parse.GetValue(_db)!;
        var concepts = parse.GetValue(_concepts) is { Count: > 0 } c ? c : ["tree", "bush", "rock", "house", "fence"];
        var strength = parse.GetValue(_strength);
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount));
        Console.WriteLine("concept\tlayer\tunits\teligible\tsuccess rate\t99% interval\tmean gain");
        foreach (var concept in concepts)
        {
            cancel.ThrowIfCancellationRequested();
            GanExperimentInputs inputs;
            try { inputs = GanExperimentInputs.Open(db, parse.GetValue(_run)!.Value, parse.GetValue(_layer), concept, null, strength); }
            catch (JobParameterException e) when (e.Field == "concept")
            {
                Console.WriteLine($"{concept}	-	0	-	-	-	- ({e.Message})");
                continue;
            }
            using var _ = inputs;
            var seed = parse.GetValue(_seed) ?? Math.Min(inputs.Samples.Seed + 1, ZSpec.MaxSeed);
            using var z = ZDataset.FromSeed(inputs.Generator.ZDim, seed, parse.GetValue(_samples));
            var r = PaintingExperiment.Run(inputs.Generator, inputs.Segmenter, inputs.Layer, inputs.Concept,
                inputs.Units.Select(u => u.Unit).ToList(), inputs.Units.Select(u => u.Level).ToList(), z,
                parse.GetValue(_block), parse.GetValue(_minGain), cancel: cancel);
            Console.WriteLine($"{r.ConceptName}\t{r.Layer}\t{r.Units.Count}\t{r.Eligible}/{r.Samples}\t{r.Rate:P1}\t[{r.Low:P1}, {r.High:P1}]\t{r.MeanGain:P2}");
        }
        return 0;
    }
}
