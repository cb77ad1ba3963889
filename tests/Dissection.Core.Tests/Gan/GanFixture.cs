// Small, real parts for GAN dissection tests: a randomly initialised ProGAN generator (8×8 images) and a rule-based
// segmenter whose labels are a plain function of the pixels, with a three-concept vocabulary.
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

internal static class GanFixture
{
    public static readonly Concept[] Concepts = [new(0, "-", ""), new(1, "sky", "object"), new(2, "grass", "object"), new(3, "red", "color")];

    /// <summary>z 8; layer1,2 at 4×4 (8 units), layer3,4 at 8×8 (6 units); 8×8 images.</summary>
    public static ProgressiveGenerator Generator(long seed = 5)
    {
        var g = new ProgressiveGenerator(new ProGanLayout(8, [8, 8, 6, 6]));
        g.InitialiseForTraining(seed);
        g.eval();
        return g;
    }

    public static LoadedSegmenter Segmenter() => new("rule-segmenter", new RuleSegmenter(), Concepts);

    /// <summary>object plane: sky where the mean of RGB is above 0.6, grass below 0.3; colour plane: red where R &gt; 0.5.</summary>
    internal sealed class RuleSegmenter : ISegmenter
    {
        public IReadOnlyList<string> PlaneCategories { get; } = ["object", "color"];

        public Tensor SegmentPlanes(Tensor images01)
        {
            using var scope = NewDisposeScope();
            var mean = images01.mean([1]);
            var obj = where(mean.gt(0.6), tensor(1L), where(mean.lt(0.3), tensor(2L), tensor(0L)));
            var color = where(images01.select(1, 0).gt(0.5), tensor(3L), tensor(0L));
            return stack([obj, color], 1).MoveToOuterDisposeScope();
        }
    }
}
