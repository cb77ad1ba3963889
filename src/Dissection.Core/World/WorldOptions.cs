// What to generate: where, how many images, at which size, from which seed.
namespace Dissection.Core.World;

/// <param name="SegSize">Segmentation size; 0 means half the image size (Broden convention).</param>
/// <param name="ValFraction">Share of images in the "val" split, chosen by a hash of (seed, index).</param>
/// <param name="Threads">Worker threads; 0 means one per core.</param>
public sealed record WorldOptions(string OutputDirectory, int Count = 12000, int Size = 128, int Seed = 1, int SegSize = 0,
    double ValFraction = 0.2, int JpegQuality = 90, int Threads = 0)
{
    public int EffectiveSegSize => SegSize > 0 ? SegSize : Size / 2;

    /// <exception cref="ArgumentException">an option is out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory)) throw new ArgumentException("the output folder is empty");
        if (Count <= 0) throw new ArgumentException($"count must be at least 1, got {Count}");
        if (Count > 10_000_000) throw new ArgumentException($"count {Count} is too large (at most 10,000,000)");
        if (Size < 32 || Size > 1024) throw new ArgumentException($"size must be between 32 and 1024 pixels, got {Size}");
        var seg = EffectiveSegSize;
        if (seg < 8 || seg > Size || Size % seg != 0) throw new ArgumentException($"segmentation size {seg} must divide the image size {Size}");
        if (ValFraction is < 0 or > 1) throw new ArgumentException($"val fraction must be within [0, 1], got {ValFraction}");
        if (JpegQuality is < 1 or > 100) throw new ArgumentException($"JPEG quality must be within 1..100, got {JpegQuality}");
        if (Threads < 0) throw new ArgumentException($"threads must be 0 (one per core) or more, got {Threads}");
    }
}

/// <summary>What a generation produced, and how fast.</summary>
public sealed record WorldSummary(string Directory, int Count, int Size, int SegSize, TimeSpan Elapsed)
{
    public double ImagesPerSecond => Count / Math.Max(1e-9, Elapsed.TotalSeconds);
}
