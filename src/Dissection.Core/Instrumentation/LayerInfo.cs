// A layer of an instrumented model: PyTorch-style name, module type and output shape for one input.
namespace Dissection.Core.Instrumentation;

public sealed record LayerInfo(string Name, string ModuleType, int[] OutputShape);
