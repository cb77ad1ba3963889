// The demo classifier: a small VGG-like CNN with PyTorch-style layer names, sized to train on 2 CPU cores.
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

public static class WorldVgg
{
    public const int DefaultInputSize = 128;

    /// <summary>Builds the untrained network for the given number of scene classes.</summary>
    public static nn.Module<Tensor, Tensor> Create(int numClasses) => throw new NotImplementedException();
}
