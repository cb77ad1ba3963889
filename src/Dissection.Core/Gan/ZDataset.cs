// The GAN's "dataset": a fixed list of latent vectors, either drawn from a seed or read from a file. Latent i of a seeded
// dataset depends only on (seed, i) — each row has its own seeded torch generator — so any batch, any sub-range and
// any single image (the playground's ?seed=) reproduce exactly, whatever the count or batch size.
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public sealed class ZDataset : IDisposable
{
    private readonly Tensor? _fixed;

    private ZDataset(int zDim, int count, long? seed, Tensor? fixedZ)
    {
        if (zDim <= 0) throw new ArgumentException($"latent size must be positive, got {zDim}");
        if (count < 0) throw new ArgumentException($"count must be non-negative, got {count}");
        ZDim = zDim;
        Count = count;
        Seed = seed;
        _fixed = fixedZ;
    }

    public int ZDim { get; }
    public int Count { get; }
    /// <summary>The seed for a seeded dataset; null when the latents came from a tensor or file.</summary>
    public long? Seed { get; }

    public static ZDataset FromSeed(int zDim, long seed, int count) => new(zDim, count, seed, null);

    /// <summary>Wraps explicit latents (N,Z); the tensor is copied.</summary>
    public static ZDataset FromTensor(Tensor z)
    {
        if (z.dim() != 2) throw new ArgumentException($"latents must be (N,Z), got ({string.Join(",", z.shape)})");
        var copy = z.detach().to(CPU).to_type(ScalarType.Float32).clone().DetachFromDisposeScope();
        return new ZDataset((int)z.shape[1], (int)z.shape[0], null, copy);
    }

    /// <summary>Reads an N×Z float32 .npy; Z must equal the generator's latent size.</summary>
    public static ZDataset FromNpy(string path, int expectedZDim)
    {
        var (data, shape) = Npy.Read(path);
        if (shape.Length != 2 || shape[1] != expectedZDim)
            throw new InvalidDataException($"{path}: latents must have shape (N, {expectedZDim}), got ({string.Join(", ", shape)})");
        using var t = tensor(data, shape);
        return FromTensor(t);
    }

    /// <summary>Latent vectors start…start+size−1 as a (size,Z) float32 CPU tensor.</summary>
    public Tensor Batch(int start, int size)
    {
        if (start < 0 || size < 0 || start + size > Count)
            throw new ArgumentOutOfRangeException(nameof(start), $"batch {start}..{start + size} outside 0..{Count}");
        if (_fixed is not null) return _fixed.narrow(0, start, size).clone();
        using var scope = NewDisposeScope();
        var rows = new Tensor[size];
        for (var i = 0; i < size; i++) rows[i] = Row(Seed!.Value, start + i, ZDim);
        return (size == 0 ? zeros(0, ZDim) : stack(rows)).MoveToOuterDisposeScope();
    }

    public Tensor All() => Batch(0, Count);

    public IEnumerable<(int Start, Tensor Z)> Batches(int batchSize)
    {
        if (batchSize <= 0) throw new ArgumentException("batch size must be positive");
        for (var s = 0; s < Count; s += batchSize) yield return (s, Batch(s, Math.Min(batchSize, Count - s)));
    }

    public void Dispose() => _fixed?.Dispose();

    private static Tensor Row(long seed, long index, int zDim)
    {
        using var g = new Generator(Mix(seed, index));
        return randn([zDim], generator: g);
    }

    // SplitMix64 finaliser: neighbouring (seed, index) pairs get unrelated generator seeds.
    private static ulong Mix(long seed, long index)
    {
        var x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x632BE59BD9B4E019UL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
