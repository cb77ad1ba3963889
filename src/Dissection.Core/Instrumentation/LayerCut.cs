// A model cut in two after a layer: the head (input -> the layer's unit outputs) and the tail (unit outputs -> model
// output). Run the head once and the tail under any number of edits: single-unit ablation of a whole layer, and every
// GAN paint stroke, re-run only the tail (nethook's "subsequence").
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Instrumentation;

/// <summary>
/// Knows how the supported architectures compose their forward pass: a model that lists its own steps
/// (ISteppedModel: the progressive GAN generator); a plain nn.Sequential; the VGG pattern (features, avgpool, flatten,
/// classifier: TorchVision vgg/alexnet and world-vgg); and the ResNet pattern (conv1, bn1, relu, maxpool, layer1..4,
/// avgpool, flatten, fc). Because a module's children do not prove how its forward uses them, every cut is checked
/// against a full forward pass before it is used. The cut goes after the module the layer resolves to
/// (InstrumentedModel's post-activation rule), so a cut and an edit hook see the same units.
/// </summary>
public sealed class LayerCut
{
    private readonly IReadOnlyList<ModelStep> _head;
    private readonly IReadOnlyList<ModelStep> _tail;

    private LayerCut(string layer, IReadOnlyList<ModelStep> head, IReadOnlyList<ModelStep> tail)
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

    /// <summary>Input batch -> the layer's unit outputs (B, U, ...); no gradients unless asked for (photo inversion
    /// optimises through the head of a feature network).</summary>
    public Tensor Head(Tensor input, bool gradients = false) => Run(_head, input, gradients);

    /// <summary>Unit outputs (B, U, ...) -> model output; no gradients unless asked for (photo inversion optimises the
    /// units, and adapts the tail's weights, through it). Never modifies its input in place.</summary>
    public Tensor Tail(Tensor units, bool gradients = false) => Run(_tail, units, gradients);

    private static Tensor Run(IReadOnlyList<ModelStep> steps, Tensor x, bool gradients = false)
    {
        using var noGrad = gradients ? enable_grad() : no_grad();
        using var scope = NewDisposeScope();
        var y = x;
        foreach (var s in steps) y = s.Apply(y);
        // The input itself may come back when the list is empty; never hand the caller's tensor to the outer scope.
        return (ReferenceEquals(y, x) ? x.alias() : y).MoveToOuterDisposeScope();
    }

    /// <summary>The cut after <paramref name="resolved"/> (the module the layer stands for), or null with the reason
    /// when the architecture is not one this class can cut or the cut does not reproduce the model's own output.</summary>
    internal static LayerCut? TryCreate(InstrumentedModel model, string layer, string resolved, bool poolIntoHead, out string reason)
    {
        var steps = Pipeline(model.Root, out reason);
        if (steps is null) return null;
        var cut = CutIndex(steps, resolved);
        if (cut < 0)
        {
            reason = $"layer '{layer}' is not a step of the {model.Root.GetType().Name} pipeline " +
                     "(a layer inside a residual block cannot be cut out)";
            return null;
        }
        if (cut == steps.Count - 1)
        {
            reason = $"layer '{layer}' is the model's output; nothing follows it to re-run";
            return null;
        }
        var result = new LayerCut(layer, steps.Take(cut + 1).ToList(), steps.Skip(cut + 1).ToList());
        if (poolIntoHead) result = result.WithGlobalPoolInHead() ?? result;
        if (!result.ReproducesModel(model, out reason)) return null;
        reason = "";
        return result;
    }

    /// <summary>
    /// The same cut with a global average pool that opens the tail moved into the head, or null when the tail does
    /// not open with one. Zeroing a unit commutes with averaging its map, so ablation results are the same, but each
    /// ablated copy is then (U,1,1) per image instead of (U,H,W): 256× less to mask and pool at world-vgg's conv5_2.
    /// </summary>
    private LayerCut? WithGlobalPoolInHead()
    {
        if (_tail.Count == 0 || _tail[0].Module is not AdaptiveAvgPool2d) return null;
        using (var probe = zeros(1, 1, 3, 2))
        using (var pooled = _tail[0].Apply(probe))
            if (pooled.shape[2] != 1 || pooled.shape[3] != 1) return null;
        return new LayerCut(Layer, [.. _head, _tail[0]], _tail.Skip(1).ToList());
    }

    /// <summary>True when the head ends in the global pool (the units are (B,U,1,1), not maps).</summary>
    public bool PoolsInHead => _head[^1].Module is AdaptiveAvgPool2d;

    /// <summary>Head then tail must give the model's own output (the check that the architecture was read right).</summary>
    private bool ReproducesModel(InstrumentedModel model, out string reason)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var gen = new Generator(12345, model.Device);
        var input = randn([2, .. model.InputShape], generator: gen, device: model.Device);
        Tensor full, split;
        try
        {
            full = model.Root.call(input);
            split = Tail(Head(input));
        }
        catch (Exception e)
        {
            reason = $"running the cut failed ({e.Message.Split('\n')[0]})";
            return false;
        }
        if (!full.shape.SequenceEqual(split.shape) || !allclose(full, split, rtol: 1e-4, atol: 1e-5))
        {
            reason = $"head+tail at '{Layer}' does not reproduce the model's output (its forward is not the pattern " +
                     "the children suggest)";
            return false;
        }
        reason = "";
        return true;
    }

    // ---- architecture patterns ----

    private static IReadOnlyList<ModelStep>? Pipeline(nn.Module<Tensor, Tensor> root, out string reason)
    {
        reason = "";
        if (root is ISteppedModel stepped) return stepped.Steps;
        var children = root.named_children().ToList();
        var names = children.Select(c => c.name).ToList();
        var steps = new List<ModelStep>();
        if (root is Sequential)
        {
            Flatten(root, "", steps);
            return steps;
        }
        if (names.SequenceEqual(["features", "avgpool", "classifier"]))
        {
            Flatten(children[0].module, "features.", steps);
            steps.Add(ModuleStep("avgpool", children[1].module));
            steps.Add(new ModelStep("flatten", x => x.flatten(1), null));
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
                if (name == "fc" && !hasFlatten) steps.Add(new ModelStep("flatten", x => x.flatten(1), null));
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
    private static void Flatten(nn.Module module, string prefix, List<ModelStep> steps)
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

    private static ModelStep ModuleStep(string name, nn.Module module) => module is nn.Module<Tensor, Tensor> m
        ? new ModelStep(name, x => m.call(x), module)
        : throw new InvalidOperationException($"module '{name}' ({module.GetType().Name}) does not map a tensor to a tensor");

    /// <summary>Index of the last step belonging to the module (a step, or a container whose steps share its prefix).</summary>
    private static int CutIndex(IReadOnlyList<ModelStep> steps, string module)
    {
        for (var i = steps.Count - 1; i >= 0; i--)
            if (steps[i].Name == module || steps[i].Name.StartsWith(module + ".", StringComparison.Ordinal))
                return i;
        return -1;
    }
}
