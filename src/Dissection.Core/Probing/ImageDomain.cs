// Whether a picture looks, to the network, like the images of the run's concept dataset: the out-of-domain warning of
// "your own image" (/try), where a photo analysed on a run dissected on the synthetic world gets that world's concepts
// whatever it shows. A picture's signature is the layer's mean activation per unit (the unit-length vector of them);
// its distance to the dataset is the cosine distance to the nearest of a few reference images spread over the dataset
// (k-nearest-neighbour out-of-distribution detection on deep features, k = 1). The limit is calibrated on the dataset
// itself: the largest distance of a reference to its nearest other reference (leave-one-out). A picture farther than
// that from every reference is less like the dataset than any dataset image is like the others: outside its domain.
// An image of the dataset itself is called outside with chance about 1/(References+1), 2 % (exchangeability); on the
// world with world-vgg's last conv layer, 1 of 40 world images was, and the sample photos lie 1.6-3x the limit away.
// (A colour and gradient histogram was tried first: the sample cat photo sat closer to the world's images than the
// world's images sit to each other, so it could not tell them apart.)
namespace Dissection.Core.Probing;

/// <param name="Distance">The picture's cosine distance to the nearest reference image.</param>
/// <param name="Limit">The largest nearest-neighbour distance among the references themselves.</param>
/// <param name="References">How many dataset images were compared.</param>
public sealed record DomainVerdict(double Distance, double Limit, int References)
{
    public bool Outside => Distance > Limit;
}

public sealed class ImageDomain
{
    /// <summary>Reference images a domain is measured on: one forward pass each, once per run and layer.</summary>
    public const int References = 48;

    private readonly float[][] _references;

    private ImageDomain(float[][] references, double limit) { _references = references; Limit = limit; }

    /// <summary>The largest leave-one-out nearest-neighbour distance among the references.</summary>
    public double Limit { get; }

    /// <summary>The domain of these references' activations; null for fewer than two.</summary>
    public static ImageDomain? Of(IEnumerable<ImageActivations> references)
    {
        var refs = references.Select(Signature).ToArray();
        if (refs.Length < 2) return null;
        var limit = 0.0;
        for (var i = 0; i < refs.Length; i++) limit = Math.Max(limit, Nearest(refs, refs[i], skip: i));
        return new ImageDomain(refs, limit);
    }

    public DomainVerdict Check(ImageActivations picture) =>
        new(Nearest(_references, Signature(picture), skip: -1), Limit, _references.Length);

    private static double Nearest(float[][] references, float[] s, int skip)
    {
        var best = double.PositiveInfinity;
        for (var i = 0; i < references.Length; i++)
        {
            if (i == skip || references[i].Length != s.Length) continue;
            double dot = 0;
            for (var k = 0; k < s.Length; k++) dot += references[i][k] * s[k];
            best = Math.Min(best, 1 - dot);
        }
        return best;
    }

    /// <summary>Each unit's mean activation over the map, scaled to unit length (all zero stays zero).</summary>
    internal static float[] Signature(ImageActivations a)
    {
        var s = new float[a.Units];
        double norm = 0;
        for (var u = 0; u < a.Units; u++)
        {
            double sum = 0;
            foreach (var v in a.Map(u)) sum += v;
            s[u] = (float)(sum / Math.Max(1, a.Height * a.Width));
            norm += (double)s[u] * s[u];
        }
        if (norm > 0) for (var u = 0; u < s.Length; u++) s[u] = (float)(s[u] / Math.Sqrt(norm));
        return s;
    }
}
