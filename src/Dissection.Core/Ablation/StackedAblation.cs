// The tensor code of ablation, in one place: zero sets of units and get the logits, K sets at once along the batch
// dimension, through the instrumented model. Two ways: re-run only the tail of the model cut at the layer on cached
// unit outputs (fast), or, for a model that cannot be cut there, run the whole model with an edit that zeroes the
// units (correct, slower).
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Ablation;

internal sealed class StackedAblation
{
    private readonly LoadedModel _model;
    private readonly string _layer;

    private StackedAblation(LoadedModel model, string layer, LayerCut? cut)
    {
        _model = model;
        _layer = layer;
        Cut = cut;
    }

    /// <summary>The cut the tail re-runs from; null when full passes with an edit are used.</summary>
    public LayerCut? Cut { get; }

    /// <summary>"split" (tail re-run) or "hooks" (full forward passes with an edit).</summary>
    public string Method => Cut is null ? "hooks" : "split";

    /// <summary>Cuts the model at the layer when it can (with the global pool moved into the head when asked), else
    /// falls back to full passes; the note says why.</summary>
    /// <exception cref="ArgumentException">an unknown layer.</exception>
    public static StackedAblation Create(LoadedModel model, string layer, out string note, bool poolIntoHead = true)
    {
        var cut = model.Instrumented.TryCut(layer, out var reason, poolIntoHead);
        note = cut is null ? $"could not split the model at '{layer}' ({reason}); using full forward passes with an edit hook (slower)" : "";
        return new StackedAblation(model, layer, cut);
    }

    /// <summary>Full forward passes with an edit, even where the model could be cut (the benchmark's baseline).</summary>
    public static StackedAblation WithFullPasses(LoadedModel model, string layer)
    {
        model.Instrumented.Resolve(layer);
        return new StackedAblation(model, layer, null);
    }

    /// <summary>The model input batch -> what Ablate takes (the layer's outputs, or the input itself for full passes).</summary>
    public Tensor Prepare(Tensor input) => Cut?.Head(input) ?? input.alias();

    /// <summary>
    /// Logits (K, B, classes) for K unit sets: keep is (K, U) with 1 for a kept unit and 0 for an ablated one.
    /// keep = all ones gives the unablated logits.
    /// </summary>
    public Tensor Ablate(Tensor prepared, Tensor keep)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long k = keep.shape[0], b = prepared.shape[0];
        if (Cut is { } cut)
        {
            var stacked = prepared.unsqueeze(0) * KeepView(keep.to(prepared.dtype).to(prepared.device), prepared.dim());
            return cut.Tail(stacked.reshape([k * b, .. prepared.shape[1..]])).view(k, b, -1).MoveToOuterDisposeScope();
        }
        var copies = prepared.unsqueeze(0).expand([k, .. prepared.shape]).reshape([k * b, .. prepared.shape[1..]]);
        // The edit lives only for this call, so the shared model is never left edited.
        using (_model.Instrumented.Edit(_layer, output =>
               {
                   var view = output.view([k, b, .. output.shape[1..]]);
                   return (view * KeepView(keep.to(output.dtype).to(output.device), output.dim())).reshape(output.shape);
               }))
            return _model.Module.call(copies).view(k, b, -1).MoveToOuterDisposeScope();
    }

    /// <summary>Broadcasts keep (K, U) over (K, B, U, ...) of the given rank.</summary>
    private static Tensor KeepView(Tensor keep, long dims)
    {
        var shape = new long[dims + 1];
        Array.Fill(shape, 1L);
        shape[0] = keep.shape[0];
        shape[2] = keep.shape[1];
        return keep.view(shape);
    }
}
