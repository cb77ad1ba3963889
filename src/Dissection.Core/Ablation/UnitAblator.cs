// The tensor code of ablation, in one place: zero sets of units and get the logits, K sets at once along the batch
// dimension. Two ways to do it: re-run only the tail of a split model on cached unit outputs (fast), or, for a model
// that cannot be split, run the whole model with a forward hook that zeroes the units (correct, slower).
using Dissection.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Ablation;

internal abstract class UnitAblator
{
    /// <summary>"split" (tail re-run) or "hooks" (full forward passes with an edit hook).</summary>
    public abstract string Method { get; }

    /// <summary>The model input batch -> what Ablate takes (the layer's outputs, or the input itself for hooks).</summary>
    public abstract Tensor Prepare(Tensor input);

    /// <summary>
    /// Logits (K, B, classes) for K unit sets: keep is (K, U) with 1 for a kept unit and 0 for an ablated one.
    /// keep = all ones gives the unablated logits.
    /// </summary>
    public abstract Tensor Ablate(Tensor prepared, Tensor keep);

    /// <summary>Broadcasts keep (K, U) over (K, B, U, ...) of the given rank.</summary>
    protected static Tensor KeepView(Tensor keep, long dims)
    {
        var shape = new long[dims + 1];
        Array.Fill(shape, 1L);
        shape[0] = keep.shape[0];
        shape[2] = keep.shape[1];
        return keep.view(shape);
    }

    public static UnitAblator Create(LoadedModel model, string layer, out string note)
    {
        var split = ModelSplit.TryCreate(model, layer, out var reason);
        if (split is not null)
        {
            note = "";
            return new SplitAblator(split.WithGlobalPoolInHead() ?? split);
        }
        note = $"could not split the model at '{layer}' ({reason}); using full forward passes with an edit hook (slower)";
        return new HookAblator(model, layer);
    }
}

/// <summary>Caches the head's output and re-runs only the tail on K masked copies stacked along the batch.</summary>
internal sealed class SplitAblator(ModelSplit split) : UnitAblator
{
    public ModelSplit Split { get; } = split;
    public override string Method => "split";

    public override Tensor Prepare(Tensor input)
    {
        using var noGrad = no_grad();
        return Split.Head(input);
    }

    public override Tensor Ablate(Tensor units, Tensor keep)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long k = keep.shape[0], b = units.shape[0];
        var stacked = units.unsqueeze(0) * KeepView(keep.to(units.dtype).to(units.device), units.dim());
        var logits = Split.Tail(stacked.reshape([k * b, .. units.shape[1..]]));
        return logits.view(k, b, -1).MoveToOuterDisposeScope();
    }
}

/// <summary>Runs the full model on K stacked copies of the input; a hook multiplies the layer's output by the masks.
/// The hook lives only for the duration of one call (try/finally), so the model is never left edited.</summary>
internal sealed class HookAblator : UnitAblator
{
    private readonly LoadedModel _model;
    private readonly nn.Module<Tensor, Tensor> _target;

    public HookAblator(LoadedModel model, string layer)
    {
        _model = model;
        _target = ResolveTarget(model.Module, layer);
    }

    public override string Method => "hooks";

    public override Tensor Prepare(Tensor input) => input.alias();

    public override Tensor Ablate(Tensor input, Tensor keep)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        long k = keep.shape[0], b = input.shape[0];
        var stacked = input.unsqueeze(0).expand([k, .. input.shape]).reshape([k * b, .. input.shape[1..]]);
        var handle = _target.register_forward_hook((_, _, output) =>
        {
            var view = output.view([k, b, .. output.shape[1..]]);
            var edited = view * KeepView(keep.to(output.dtype).to(output.device), output.dim());
            return edited.reshape(output.shape);
        });
        try
        {
            return _model.Module.call(stacked).view(k, b, -1).MoveToOuterDisposeScope();
        }
        finally
        {
            handle.remove();
        }
    }

    /// <summary>The named module, moved past a directly following BatchNorm/ReLU when it is a conv in a Sequential,
    /// so that the hook zeroes the same post-activation units as a split would.</summary>
    internal static nn.Module<Tensor, Tensor> ResolveTarget(nn.Module<Tensor, Tensor> root, string layer)
    {
        var all = root.named_modules().Where(p => p.name.Length > 0).ToList();
        var found = all.FirstOrDefault(p => p.name == layer).module as nn.Module<Tensor, Tensor>;
        if (found is null)
            throw new ArgumentException($"unknown layer '{layer}'; layers include: " +
                                        string.Join(", ", all.Select(p => p.name).Take(20)));
        if (found is not (Conv2d or Linear)) return found;
        var dot = layer.LastIndexOf('.');
        var parent = dot < 0 ? root : all.FirstOrDefault(p => p.name == layer[..dot]).module;
        if (parent is not Sequential) return found;
        var children = parent.named_children().ToList();
        var i = children.FindIndex(c => c.name == layer[(dot + 1)..]);
        while (i + 1 < children.Count && children[i + 1].module is BatchNorm2d or BatchNorm1d or ReLU or ReLU6 or LeakyReLU)
            i++;
        return (nn.Module<Tensor, Tensor>)children[i].module;
    }
}
