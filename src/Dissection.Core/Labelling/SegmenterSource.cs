// A segmenter named on the command line ("world-seg:PATH"), loaded with what a labelled dataset needs from it: the
// concepts each output plane can hold (names and categories) and a key that changes whenever its weights or the
// labelling size change, so cached labels are only reused for the same segmenter.
using System.Security.Cryptography;
using Dissection.Core.Models;
using Dissection.Core.World;

using Dissection.Core.Datasets;

namespace Dissection.Core.Labelling;

/// <param name="Spec">As given, e.g. "world-seg:data/models/world-seg.pt".</param>
/// <param name="WeightsHash">SHA-256 (hex, 16 chars) of the weights file.</param>
/// <param name="Concepts">Every concept the segmenter can output, by label number (no '-' entry).</param>
/// <param name="DefaultSize">The square input size it was trained at; labels are written at this size unless told otherwise.</param>
/// <param name="SizeMultiple">Input sizes must be multiples of this.</param>
public sealed record SegmenterSource(string Spec, string WeightsHash, ISegmenter Segmenter, IReadOnlyList<Concept> Concepts,
    int DefaultSize, int SizeMultiple) : IDisposable
{
    public const string WorldSegmenterKind = "world-seg";

    /// <summary>The cache key for labels made at a given size.</summary>
    public string Key(int size) => $"{Spec.Split(':')[0]}:{WeightsHash}@{size}";

    /// <summary>Loads "KIND:PATH". Known kinds: world-seg (the world segmenter; its colour plane is computed).</summary>
    /// <exception cref="ArgumentException">an unknown kind or a malformed spec.</exception>
    /// <exception cref="FileNotFoundException">the weights file is missing.</exception>
    public static SegmenterSource Load(string spec)
    {
        var t = spec?.Trim() ?? "";
        var colon = t.IndexOf(':');
        if (colon <= 0 || colon == t.Length - 1)
            throw new ArgumentException($"segmenter '{spec}' must be KIND:PATH, e.g. {WorldSegmenterKind}:data/models/world-seg.pt");
        var (kind, path) = (t[..colon].ToLowerInvariant(), t[(colon + 1)..]);
        if (kind != WorldSegmenterKind)
            throw new ArgumentException($"unknown segmenter kind '{t[..colon]}'; known: {WorldSegmenterKind}");
        if (!File.Exists(path)) throw new FileNotFoundException($"segmenter weights '{Path.GetFullPath(path)}' do not exist", path);

        string hash;
        using (var stream = File.OpenRead(path)) hash = Convert.ToHexString(SHA256.HashData(stream))[..16].ToLowerInvariant();
        var model = WorldSegmenter.Load(path);
        try
        {
            var concepts = new List<Concept>();
            var heads = model.HeadLabels;
            for (var h = 0; h < WorldSegmenter.HeadCategories.Count; h++)
                foreach (var n in heads[h].Where(n => n != 0).Distinct().Order())
                {
                    if (n < 0 || n >= WorldCatalog.Concepts.Count)
                        throw new InvalidDataException($"{path}: head '{WorldSegmenter.HeadCategories[h]}' outputs label {n}, which is not a concept of the world");
                    concepts.Add(new Concept((int)n, WorldCatalog.Concepts[(int)n].Name, WorldSegmenter.HeadCategories[h]));
                }
            concepts.AddRange(WorldCatalog.InCategory("color").Select(c => new Concept(c.Number, c.Name, c.Category)));
            return new SegmenterSource(t, hash, model, concepts.OrderBy(c => c.Number).ToList(), DefaultSize: 64, SizeMultiple: 8);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose() => (Segmenter as IDisposable)?.Dispose();
}
