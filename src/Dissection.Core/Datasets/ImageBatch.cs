// A batch of decoded images in one (B,3,size,size) tensor, plus the positions that could not be decoded (left as zeros).
using static TorchSharp.torch;

namespace Dissection.Core.Datasets;

/// <param name="Index">Position in the requested list (not the dataset index).</param>
public sealed record ImageFailure(int Index, string Path, string Reason);

public sealed record ImageBatch(Tensor Pixels, IReadOnlyList<ImageFailure> Failures) : IDisposable
{
    public void Dispose() => Pixels.Dispose();
}
