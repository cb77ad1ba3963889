// `dissect run` with a z dataset (--dataset z:SEED:COUNT): generator dissection, the DissectGenerator job kind
// (samples generated and segmented into a cached Broden folder, dissected by the ordinary pipeline, stored as a
// run plus its GAN record). This file holds its options.
using System.CommandLine;
using Dissection.Core.Dissection;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

internal sealed class GanRun
{
    private readonly Option<string> _segmenter = CliOptions.Text("--segmenter",
        "generator dissection: labels the samples, world-seg:PATH (e.g. world-seg:data/models/world-seg.pt); required with z:SEED:COUNT", "SPEC");
    private readonly Option<string> _samples = CliOptions.Text("--samples",
        "generator dissection: where the generated samples are written and cached (default data/gan/<name>-seed<S>-n<N>)", "DIR");
    private readonly Option<int?> _segSize = CliOptions.OptionalInt("--seg-size", "generator dissection: segmentation side (default min(64, image size))", helpName: "S");

    public Option[] All => [_segmenter, _samples, _segSize];

    /// <summary>The generator job's parameters from the command line.</summary>
    public DissectGeneratorParameters Parameters(ParseResult parse, ModelSpec spec, string dataset, IReadOnlyList<string> layers, DissectionSettings settings) =>
        new(spec.ToString(), dataset, parse.GetValue(_segmenter) ?? throw new UsageException("--segmenter is required with a z dataset"), layers, settings,
            parse.GetValue(_samples), parse.GetValue(_segSize));

    /// <summary>The generator-only options given with a folder dataset, which the classifier dissection would ignore.</summary>
    public IEnumerable<string> GivenWithout(ParseResult parse) =>
        All.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name);
}
