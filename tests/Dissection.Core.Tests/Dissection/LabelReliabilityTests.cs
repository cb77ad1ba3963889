// Label reliability on the synthetic world, where the truth is known: a layer of planted units (one copies a concept's
// label mask, one copies one concept on half A of the images and another on half B, one is noise) goes through the real
// pipeline, and its split-half IoUs, each half's best concept and the chance IoU are checked against plain loops over
// the masks and labels; the verdicts must be the ones the plants were made for.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.World;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Dissection;

public sealed class LabelReliabilityTests(LabelReliabilityTests.Planted p) : IClassFixture<LabelReliabilityTests.Planted>
{
    private const int Copy = 0, Split = 1, Noise = 2, Units = 3;

    public sealed class Planted : IDisposable
    {
        private readonly TempDir _tmp = new();
        public ConceptDataset Dataset { get; }
        public IReadOnlyList<DatasetImage> Images { get; }
        public Dictionary<int, PixelLabels> Labels { get; } = [];
        public Dictionary<int, float[]> Maps { get; } = [];   // by image index: Units planes of Seg*Seg, unit-major
        public int Seg { get; }
        public int CopyConcept { get; }
        public (int A, int B) SplitConcepts { get; }
        public LayerResult Layer { get; }
        public const double Quantile = 0.3;

        public Planted()
        {
            WorldGenerator.Generate(new WorldOptions(_tmp.File("world"), Count: 160, Size: 64, Seed: 3));
            Dataset = ConceptDataset.Open(_tmp.File("world"));
            Images = Dataset.Images.OrderBy(i => i.Index).ToList();
            foreach (var img in Images) Labels[img.Index] = Dataset.LoadLabels(img);
            Seg = Labels[Images[0].Index].SegHeight;

            // Pixel frequency of every concept; the plants copy frequent object concepts that still cover less than the
            // quantile, so T = 0 and a copying unit's region is exactly the concept's pixels.
            var pixels = (double)Images.Count * Seg * Seg;
            var frequent = Enumerable.Range(1, Dataset.Concepts.Count - 1)
                .Where(c => Dataset.Concepts[c] is { Category: "object" })
                .Select(c => (Concept: c, Share: Images.Sum(i => Enumerable.Range(0, Seg * Seg).Count(px => Has(Labels[i.Index], c, px))) / pixels))
                .Where(x => x.Share is > 0.02 and < 0.12).OrderByDescending(x => x.Share).Select(x => x.Concept).ToList();
            Assert.True(frequent.Count >= 3, "the world should have three object concepts of 2-12 % of the pixels");
            CopyConcept = frequent[0];
            SplitConcepts = (frequent[1], frequent[2]);

            var rng = new Random(7);
            foreach (var img in Images)
            {
                var l = Labels[img.Index];
                var map = new float[Units * Seg * Seg];
                var half = LabelReliability.HalfOf(img.Index) == 0 ? SplitConcepts.A : SplitConcepts.B;
                for (var px = 0; px < Seg * Seg; px++)
                {
                    map[Copy * Seg * Seg + px] = Has(l, CopyConcept, px) ? 1 : 0;
                    map[Split * Seg * Seg + px] = Has(l, half, px) ? 1 : 0;
                    map[Noise * Seg * Seg + px] = rng.Next(1024) / 1024f;   // exact in fp16
                }
                Maps[img.Index] = map;
            }
            var inputs = new DissectionInputs(
                Images,
                batch => new LoadedBatch(batch, stack(batch.Select(b => tensor(Maps[b.Index], [Units, Seg, Seg])).ToArray()), []),
                loaded => new Dictionary<string, Tensor> { ["planted"] = loaded.clone() },
                image => Labels[image.Index],
                Dataset.Concepts,
                Dataset.Categories);
            var settings = new DissectionSettings { Quantile = Quantile, BatchSize = 16, TopK = 2 };
            Layer = Assert.Single(DissectionPipeline.Run(inputs, ["planted"], settings, null, default, null));
        }

        /// <summary>The PNAS rule: a pixel has a concept when any plane holds it or the image carries it.</summary>
        public static bool Has(PixelLabels l, int concept, int px) =>
            l.ImageLabels.Contains(concept) || l.Planes.Any(plane => plane[px] == concept);

        public void Dispose() => _tmp.Dispose();
    }

    /// <summary>Per half, the unit's IoU with every concept, by plain loops (0: half A, 1: half B).</summary>
    private double[][] BruteHalfIous(int unit, float threshold)
    {
        var concepts = p.Dataset.Concepts.Count;
        var ious = new double[2][];
        for (var h = 0; h < 2; h++)
        {
            var (isect, label) = (new double[concepts], new double[concepts]);
            double mask = 0;
            foreach (var img in p.Images.Where(i => LabelReliability.HalfOf(i.Index) == h))
            {
                var l = p.Labels[img.Index];
                for (var px = 0; px < p.Seg * p.Seg; px++)
                {
                    var on = p.Maps[img.Index][unit * p.Seg * p.Seg + px] > threshold;
                    if (on) mask++;
                    for (var c = 1; c < concepts; c++)
                    {
                        if (!Planted.Has(l, c, px)) continue;
                        label[c]++;
                        if (on) isect[c]++;
                    }
                }
            }
            ious[h] = Enumerable.Range(0, concepts).Select(c => c == 0 || mask + label[c] - isect[c] == 0 ? 0
                : isect[c] / (mask + label[c] - isect[c])).ToArray();
        }
        return ious;
    }

    private static int Best(double[] ious) =>
        Enumerable.Range(1, ious.Length - 1).Where(c => ious[c] > 0).OrderByDescending(c => ious[c]).ThenBy(c => c).First();

    [Theory]
    [InlineData(Copy)]
    [InlineData(Split)]
    [InlineData(Noise)]
    public void Split_half_ious_and_best_concepts_match_brute_force(int unit)
    {
        var u = p.Layer.Units[unit];
        var label = u.Label!;
        var q = u.Reliability!;
        var halves = BruteHalfIous(unit, u.Threshold);
        Assert.Equal(halves[0][label.Concept], q.IouA);
        Assert.Equal(halves[1][label.Concept], q.IouB);
        Assert.Equal(p.Dataset.Concepts[Best(halves[0])].Name, q.BestA);
        Assert.Equal(p.Dataset.Concepts[Best(halves[1])].Name, q.BestB);
        Assert.Equal(Best(halves[0]) == label.Concept && Best(halves[1]) == label.Concept, q.Stable);
    }

    [Theory]
    [InlineData(Copy)]
    [InlineData(Split)]
    [InlineData(Noise)]
    public void Chance_iou_is_that_of_independent_regions_with_the_dataset_frequencies(int unit)
    {
        var u = p.Layer.Units[unit];
        double n = 0, a = 0, g = 0;
        foreach (var img in p.Images)
            for (var px = 0; px < p.Seg * p.Seg; px++)
            {
                n++;
                if (p.Maps[img.Index][unit * p.Seg * p.Seg + px] > u.Threshold) a++;
                if (Planted.Has(p.Labels[img.Index], u.Label!.Concept, px)) g++;
            }
        var (pu, qc) = (a / n, g / n);
        var chance = pu * qc / (pu + qc - pu * qc);
        Assert.Equal(chance, u.Reliability!.ChanceIou, 12);
        Assert.Equal(u.Label!.Iou / u.Reliability.ChanceIou, u.Reliability.Lift, 12);
    }

    [Fact]
    public void A_unit_that_copies_a_concept_is_strong()
    {
        var u = p.Layer.Units[Copy];
        Assert.Equal(0f, u.Threshold);
        Assert.Equal(p.CopyConcept, u.Label!.Concept);
        Assert.Equal(1.0, u.Label.Iou);
        Assert.Equal((1.0, 1.0, true), (u.Reliability!.IouA, u.Reliability.IouB, u.Reliability.Stable));
        Assert.True(u.Reliability.Lift > 8, $"lift {u.Reliability.Lift}");
        Assert.Equal(LabelTrust.Strong, u.Reliability.Trust(u.Label.Iou));
        Assert.Contains("best on both halves", u.Reliability.Reason(u.Label.Name, u.Label.Iou));
    }

    [Fact]
    public void A_unit_whose_concept_differs_between_the_halves_is_unstable()
    {
        var u = p.Layer.Units[Split];
        var q = u.Reliability!;
        var (a, b) = (p.Dataset.Concepts[p.SplitConcepts.A].Name, p.Dataset.Concepts[p.SplitConcepts.B].Name);
        Assert.Equal((a, b), (q.BestA, q.BestB));
        Assert.False(q.Stable);
        Assert.Equal(LabelTrust.Unstable, q.Trust(u.Label!.Iou));
        Assert.Equal($"best concept differs between halves: {a} vs {b} (half A vs half B of the images)", q.Reason(u.Label.Name, u.Label.Iou));
    }

    [Fact]
    public void A_noise_unit_is_no_better_than_chance_and_never_strong()
    {
        var u = p.Layer.Units[Noise];
        var q = u.Reliability!;
        // Random pixels overlap every concept by its share alone: lift ~1 whatever the label. Its best concept is the
        // one whose size gives the highest chance IoU, which can win on both halves: such a label is weak, not unstable.
        Assert.InRange(q.Lift, 0.8, 1.25);
        Assert.NotEqual(LabelTrust.Strong, q.Trust(u.Label!.Iou));
        if (q.Stable) Assert.Contains("× chance", q.Reason(u.Label.Name, u.Label.Iou));
    }

    [Fact]
    public void The_halves_are_a_fair_split_that_ignores_the_worlds_index_pattern()
    {
        // The world draws scene classes in index order: each half must hold every scene, in about half its images.
        foreach (var scene in p.Images.GroupBy(i => i.SceneLabel))
        {
            var inA = scene.Count(i => LabelReliability.HalfOf(i.Index) == 0);
            Assert.InRange(inA, scene.Count() * 0.2, scene.Count() * 0.8);
        }
        var all = Enumerable.Range(0, 100_000).Count(i => LabelReliability.HalfOf(i) == 0);
        Assert.InRange(all, 49_000, 51_000);
    }

    [Fact]
    public void The_full_iou_is_the_iou_of_the_summed_half_counts()
    {
        foreach (var u in p.Layer.Units)
        {
            var halves = BruteHalfIous(u.Unit, u.Threshold);
            Assert.True(u.Label!.Iou >= Math.Min(halves[0][u.Label.Concept], halves[1][u.Label.Concept]) - 1e-15);
            Assert.True(u.Label.Iou <= Math.Max(halves[0][u.Label.Concept], halves[1][u.Label.Concept]) + 1e-15);
        }
    }
}
