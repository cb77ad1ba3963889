// One rendered world image: the final RGB and its label planes at segmentation resolution, plus its scene and split.
namespace Dissection.Core.World;

internal sealed record RenderedImage(int Index, int SceneIndex, bool IsVal, int Size, int SegSize, byte[] Rgb,
    ushort[] Object, ushort[] Part, ushort[] Material, ushort[] Color);
