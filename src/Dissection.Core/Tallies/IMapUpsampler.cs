// What the dissection's hot loops need from an upsampling rule (MethodRules.Upsampling): the pixels of one fp16 map,
// brought to the segmentation size, that reach a cut. MapUpsampler (PNAS, zero padding) and PilBilinearUpsampler
// (CVPR17, PIL's resize) implement it; one call per map, so the interface costs nothing measurable.
namespace Dissection.Core.Tallies;

internal interface IMapUpsampler
{
    /// <summary>Source map size.</summary>
    int H { get; }
    int W { get; }
    /// <summary>Target (segmentation) size.</summary>
    int Height { get; }
    int Width { get; }
    /// <summary>Floats of scratch that <see cref="Above"/> needs, besides Width more for one output row.</summary>
    int ScratchLength { get; }

    /// <summary>The output pixels whose upsampled value is at or above <paramref name="cut"/>, exactly as the full
    /// upsampling computes them: their row-major indices in <paramref name="pixels"/>, values in
    /// <paramref name="values"/>; returns how many.</summary>
    int Above(ReadOnlySpan<ushort> map, float cut, Span<int> pixels, Span<float> values, Span<bool> hot, Span<float> scratch);
}
