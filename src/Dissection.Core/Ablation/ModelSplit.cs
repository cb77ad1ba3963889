// A classifier cut in two at a named layer: the head (input -> the layer's unit outputs) and the tail (unit outputs ->
// logits). Ablation runs the head once per batch and only the tail once per ablated unit set, which is what makes
// single-unit ablation of a whole layer affordable.
using Dissection.Core.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Ablation;

/// <summary>
/// Knows how the supported architectures compose their forward pass: a plain nn.Sequential; the VGG pattern
/// (features, avgpool, flatten, classifier: TorchVision vgg/alexnet and world-vgg); and the ResNet pattern
/// (conv1, bn1, relu, maxpool, layer1..4, avgpool, flatten, fc). Because a module's children do not prove how its
/// forward uses them, every split is checked against a full forward pass before it is used (TryCreate).
/// A conv layer's units are its post-activation outputs: the cut moves past the BatchNorm and ReLU that directly
/// follow the conv, as the reference zeroes units after the (in-place) ReLU (network-dissection.md §4, §8).
/// </summary>
public sealed class ModelSplit
{
    internal sealed record Step(string Name, Func<Tensor, Tensor> Apply, nn.Module? Module);

    private readonly IReadOnlyList<Step> _head;
    private readonly IReadOnlyList<Step> _tail;

    private ModelSplit(string layer, IReadOnlyList<Step> head, IReadOnlyList<Step> tail)
    {
        Layer = layer;
        _head = head;
        _tail = tail;
    }

    /// <summary>The layer as named by the caller.</summary>
    public string Layer { get; }

    /// <summary>The last step of the head: the module whose output holds the units (a ReLU after a conv).</summary>
    public string CutAfter => _head[^1].Name;

    /// <summary>The steps the tail runs, in order (for messages and tests).</summary>
    public IReadOnlyList<string> TailSteps => _tail.Select(s => s.Name).ToList();

    /// <summary>
    /// The same split with a global average pool that opens the tail moved into the head, or null when the tail does
    /// not open with one. Zeroing a unit commutes with averaging its map, so the ablation results are the same, but each
    /// ablated copy is then (U,1,1) per image instead of (U,H,W): 256× less to mask and pool at world-vgg's conv5_2.
    /// </summary>
    public ModelSplit? WithGlobalPoolInHead()
    {
        if (_tail.Count == 0 || _tail[0].Module is not AdaptiveAvgPool2d) return null;
        using (var probe = zeros(1, 1, 3, 2))
        using (var pooled = _tail[0].Apply(probe))
            if (pooled.shape[2] != 1 || pooled.shape[3] != 1) return null;
        return new ModelSplit(Layer, [.. _head, _tail[0]], _tail.Skip(1).ToList());
    }

    /// <summary>Input batch -> the layer's unit outputs (B, U, ...).</summary>
    public Tensor Head(Tensor input) => Run(_head, input);

    /// <summary>Unit outputs (B, U, ...) -> logits (B, classes). Never modifies its input in place.</summary>
    public Tensor Tail(Tensor units) => Run(_tail, units);

    private static Tensor Run(IReadOnlyList<Step> steps, Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = x;
        foreach (var s in steps) y = s.Apply(y);
        // The input itself may come back when the list is empty; never hand the caller's tensor to the outer scope.
        return (ReferenceEquals(y, x) ? x.alias() : y).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Splits the model after <paramref name="layer"/>, or returns null with the reason when the architecture is not
    /// one this class can split or the split does not reproduce the model's own output on a test batch.
    /// </summary>
    public static ModelSplit? TryCreate(LoadedModel model, string layer, out string reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(layer);
        var steps = Pipeline(model.Module, out reason);
        if (steps is null) return null;

        var cut = CutIndex(steps, layer);
        if (cut < 0)
        {
            reason = $"layer '{layer}' is not a step of the {model.Module.GetType().Name} pipeline " +
                     "(a layer inside a residual block cannot be cut out)";
            return null;
        }
        if (cut == steps.Count - 1)
        {
            reason = $"layer '{layer}' is the model's output; nothing follows it to re-run";
            return null;
        }
        cut = ExtendPastActivation(steps, cut);
        var split = new ModelSplit(layer, steps.Take(cut + 1).ToList(), steps.Skip(cut + 1).ToList());
        if (!split.ReproducesModel(model, out reason)) return null;
        reason = "";
        return split;
    }

    /// <summary>Head then tail must give the model's own logits (the check that the architecture was read right).</summary>
    private bool ReproducesModel(LoadedModel model, out string reason)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var size = model.Preprocessing.InputSize;
        var gen = new Generator(12345, model.Device);
        var input = randn([2, 3, size, size], generator: gen, device: model.Device);
        Tensor full, split;
        try
        {
            full = model.Module.call(input);
            split = Tail(Head(input));
        }
        catch (Exception e)
        {
            reason = $"running the split failed ({e.Message.Split('\n')[0]})";
            return false;
        }
        if (!full.shape.SequenceEqual(split.shape) || !allclose(full, split, rtol: 1e-4, atol: 1e-5))
        {
            reason = $"head+tail at '{Layer}' does not reproduce the model's output (its forward is not the pattern " +
                     $"the children suggest)";
            return false;
        }
        reason = "";
        return true;
    }

    // ---- architecture patterns ----

    internal static IReadOnlyList<Step>? Pipeline(nn.Module<Tensor, Tensor> root, out string reason)
    {
        reason = "";
        var children = root.named_children().ToList();
        var names = children.Select(c => c.name).ToList();
        var steps = new List<Step>();
        if (root is Sequential)
        {
            Flatten(root, "", steps);
            return steps;
        }
        if (names.SequenceEqual(["features", "avgpool", "classifier"]))
        {
            Flatten(children[0].module, "features.", steps);
            steps.Add(ModuleStep("avgpool", children[1].module));
            steps.Add(new Step("flatten", x => x.flatten(1), null));
            Flatten(children[2].module, "classifier.", steps);
            return steps;
        }
        string[] resnet = ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4", "avgpool", "fc"];
        // TorchSharp's ResNet registers its flatten as a child; PyTorch's calls torch.flatten in forward.
        var hasFlatten = names.SequenceEqual(resnet.Take(9).Append("flatten").Append("fc"));
        if (names.SequenceEqual(resnet) || hasFlatten)
        {
            foreach (var (name, module) in children)
            {
                if (name == "fc" && !hasFlatten) steps.Add(new Step("flatten", x => x.flatten(1), null));
                if (module is Sequential) Flatten(module, name + ".", steps);
                else steps.Add(ModuleStep(name, module));
            }
            return steps;
        }
        reason = $"the model ({root.GetType().Name} with children {string.Join(", ", names)}) is not a Sequential, " +
                 "VGG/AlexNet-style or ResNet-style network";
        return null;
    }

    /// <summary>Sequentials are opened up so that any of their children can be the cut; other modules stay whole.</summary>
    private static void Flatten(nn.Module module, string prefix, List<Step> steps)
    {
        if (module is not Sequential)
        {
            steps.Add(ModuleStep(prefix.TrimEnd('.'), module));
            return;
        }
        foreach (var (name, child) in module.named_children())
        {
            if (child is Sequential) Flatten(child, prefix + name + ".", steps);
            else steps.Add(ModuleStep(prefix + name, child));
        }
    }

    private static Step ModuleStep(string name, nn.Module module) => module is nn.Module<Tensor, Tensor> m
        ? new Step(name, x => m.call(x), module)
        : throw new InvalidOperationException($"module '{name}' ({module.GetType().Name}) does not map a tensor to a tensor");

    /// <summary>Index of the last step belonging to the layer (a step, or a container whose steps share its prefix).</summary>
    private static int CutIndex(IReadOnlyList<Step> steps, string layer)
    {
        for (var i = steps.Count - 1; i >= 0; i--)
            if (steps[i].Name == layer || steps[i].Name.StartsWith(layer + ".", StringComparison.Ordinal))
                return i;
        return -1;
    }

    /// <summary>After a conv (or linear) layer, the BatchNorm and ReLU that directly follow it in its container.</summary>
    private static int ExtendPastActivation(IReadOnlyList<Step> steps, int cut)
    {
        if (steps[cut].Module is not (Conv2d or Linear)) return cut;
        var parent = Parent(steps[cut].Name);
        var i = cut;
        while (i + 1 < steps.Count && Parent(steps[i + 1].Name) == parent
               && steps[i + 1].Module is BatchNorm2d or BatchNorm1d or ReLU or ReLU6 or LeakyReLU)
            i++;
        return i;
    }

    private static string Parent(string name) => name.LastIndexOf('.') is var dot and >= 0 ? name[..dot] : "";
}
