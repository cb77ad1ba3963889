// `dissect run` with a z dataset (--dataset z:SEED:COUNT): generator dissection, the DissectGenerator job kind
// (samples generated and segmented into a cached Broden folder, dissected by the ordinary pipeline, stored as a
// run plus its GAN record). This file holds its options.
using Dissection.Core.Dissection;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;

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

    /// <summary>The generator job's parameters from the command line.</summary>
    public static DissectGeneratorParameters Parameters(Args args, ModelSpec spec, string dataset, IReadOnlyList<string> layers,
        DissectionSettings settings)
    {
        var p = new DissectGeneratorParameters(spec.ToString(), dataset, args.Required("segmenter"), layers, settings,
            args.String("samples"), args.Int("seg-size"));
        args.EnsureAllUsed();
        return p;
    }
}
