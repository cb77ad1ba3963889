// A probe-able layer: PyTorch-style name, module type and output shape for one input image.
namespace Dissection.Core.Probing;

public sealed record LayerInfo(string Name, string ModuleType, int[] OutputShape);
