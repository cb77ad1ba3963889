// Measures what the model split buys: seconds per ablated unit with a full forward pass per unit (edit hook) against
// the head once per batch plus stacked tail re-runs, on the same batch in the same process.
using System.Diagnostics;
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Ablation;

/// <param name="FullSecondsPerUnit">A full forward pass of the batch with one unit zeroed by a hook.</param>
/// <param name="SplitSecondsPerUnit">The head once for the batch, then the tail on K stacked ablations, per unit.</param>
public sealed record AblationBenchmarkResult(string Layer, string CutAfter, int Units, int Batch, int Stack,
    double FullSecondsPerUnit, double SplitSecondsPerUnit)
{
    public double Speedup => FullSecondsPerUnit / SplitSecondsPerUnit;
}

public static class AblationBenchmark
{
    /// <summary>Times <paramref name="units"/> single-unit ablations both ways on one random batch (after a warm-up
    /// of each). Throws ArgumentException when the model cannot be split at the layer.</summary>
    public static AblationBenchmarkResult Measure(LoadedModel model, string layer, int units = 32, int batch = 32,
        long stackBytes = 64L << 20, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (units < 1 || batch < 1) throw new ArgumentException($"units and batch must be at least 1, got {units} and {batch}");
        var fast = StackedAblation.Create(model, layer, out var note, poolIntoHead: false);
        if (fast.Cut is null) throw new ArgumentException(note);
        var slow = StackedAblation.WithFullPasses(model, layer);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = model.Preprocessing.InputSize;
        var input = randn([batch, 3, size, size], generator: new Generator(1, model.Device), device: model.Device);
        var unitCount = (int)fast.Prepare(input.narrow(0, 0, 1)).shape[1];
        units = Math.Min(units, unitCount);
        var keep = ones(units, unitCount, device: model.Device);
        for (var u = 0; u < units; u++) keep[u, u] = tensor(0f);

        // Warm-up: first calls allocate and pick kernels.
        slow.Ablate(input, keep.narrow(0, 0, 1)).Dispose();
        using (var warm = fast.Prepare(input)) fast.Ablate(warm, keep.narrow(0, 0, 1)).Dispose();

        var clock = Stopwatch.StartNew();
        for (var u = 0; u < units; u++)
        {
            cancel.ThrowIfCancellationRequested();
            using var logits = slow.Ablate(input, keep.narrow(0, u, 1));
            _ = logits.argmax(-1).cpu();     // wait for the result, as a real pass would
        }
        var full = clock.Elapsed.TotalSeconds / units;

        var bytesPerCopy = (long)batch * (fast.Prepare(input.narrow(0, 0, 1)).numel() * 4);
        var stack = (int)Math.Clamp(stackBytes / Math.Max(1, bytesPerCopy), 1, 256);
        clock.Restart();
        using (var acts = fast.Prepare(input))
            for (var start = 0; start < units; start += stack)
            {
                cancel.ThrowIfCancellationRequested();
                using var logits = fast.Ablate(acts, keep.narrow(0, start, Math.Min(stack, units - start)));
                _ = logits.argmax(-1).cpu();
            }
        var fastPerUnit = clock.Elapsed.TotalSeconds / units;
        return new AblationBenchmarkResult(layer, fast.Cut.CutAfter, units, batch, stack, full, fastPerUnit);
    }
}
