// Imports a ResNet of BasicBlocks from an ONNX file into our BasicResNet (TorchVision names, so layers can be
// probed as layer4, layer4.2, ...). Nothing is hard-coded for one file: the depth per stage is read from the
// graph's residual Adds, and weights are matched by data flow, not by initializer names:
//   * every Conv is paired with the BatchNormalization that consumes its output;
//   * a Conv is a shortcut (downsample) when its input also feeds another Conv and its BN output feeds an Add;
//   * main-path Convs in data-flow order match the BasicResNet's non-downsample Conv2d modules in registration
//     order, shortcut Convs match its downsample.0 modules in order; each BN follows its Conv;
//   * every shape, stride, padding and dilation is checked, and any initializer left unused is an error.
using Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dissection.Core.Models.Onnx;

public static class OnnxResNet
{
    private static readonly HashSet<string> SupportedOps =
        ["Conv", "BatchNormalization", "Relu", "MaxPool", "Add", "AveragePool", "GlobalAveragePool", "Flatten"];

    /// <summary>Builds the network stored in the file as a feature extractor in eval mode on the CPU; its output
    /// is the pooled feature, flattened to (B, 512).</summary>
    /// <exception cref="InvalidDataException">the file is unreadable or not a ResNet of BasicBlocks; the message names the file.</exception>
    public static nn.Module<Tensor, Tensor> Load(string onnxPath) => Import(OnnxGraph.Read(onnxPath)).Module;

    /// <summary>The imported network plus the initializer-to-parameter mapping, for reports and tests.</summary>
    internal sealed record Result(BasicResNet Module, int[] Layers, IReadOnlyList<(string Initializer, string Parameter)> Mapping);

    /// <summary>A Conv with the BatchNormalization that follows it, as found in the graph.</summary>
    private sealed record ConvUnit(NodeProto Conv, NodeProto Bn, bool Shortcut)
    {
        public string Input => Conv.Input[0];
        public string Output => Bn.Output[0];
    }

    /// <summary>A Conv2d with the BatchNorm2d registered after it, as found in the module.</summary>
    private sealed record ModuleUnit(string ConvName, Conv2d Conv, string BnName, BatchNorm2d Bn, bool Shortcut);

    internal static Result Import(OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
            if (!SupportedOps.Contains(node.OpType))
                throw graph.Bad($"{OnnxGraph.Describe(node)} is not supported by the ResNet importer (supported: {string.Join(", ", SupportedOps)})");

        var units = FindConvUnits(graph);
        var layers = InferLayers(graph, units);
        var module = new BasicResNet(layers, numClasses: null);
        try
        {
            var mapping = CopyWeights(graph, units, ModuleUnits(module));
            module.eval();
            return new Result(module, layers, mapping);
        }
        catch
        {
            module.Dispose();
            throw;
        }
    }

    private static List<ConvUnit> FindConvUnits(OnnxGraph graph)
    {
        var units = new List<ConvUnit>();
        foreach (var conv in graph.Nodes.Where(n => n.OpType == "Conv"))
        {
            if (conv.Input.Count < 2 || !graph.IsInitializer(conv.Input[1]))
                throw graph.Bad($"{OnnxGraph.Describe(conv)} has no weight initializer");
            var next = graph.ConsumersOf(conv.Output[0]);
            if (next.Count != 1 || next[0].OpType != "BatchNormalization")
                throw graph.Bad($"{OnnxGraph.Describe(conv)} is not followed by exactly one BatchNormalization; only Conv+BN ResNets can be imported");
            var bn = next[0];
            var after = graph.ConsumersOf(bn.Output[0]);
            bool feedsAdd = after.Any(n => n.OpType == "Add");
            bool inputShared = graph.ConsumersOf(conv.Input[0]).Count(n => n.OpType == "Conv") > 1;
            units.Add(new ConvUnit(conv, bn, Shortcut: feedsAdd && inputShared));
        }
        return units;
    }

    /// <summary>Blocks per stage, read from the residual Adds: each Add closes one block, and a stage is a run of
    /// blocks with the same width.</summary>
    private static int[] InferLayers(OnnxGraph graph, List<ConvUnit> units)
    {
        var byOutput = units.ToDictionary(u => u.Output);
        var widths = new List<long>();
        foreach (var add in graph.Nodes.Where(n => n.OpType == "Add"))
        {
            if (add.Input.Count != 2) throw graph.Bad($"{OnnxGraph.Describe(add)} has {add.Input.Count} inputs, expected 2");
            var main = add.Input.Select(i => byOutput.GetValueOrDefault(i)).FirstOrDefault(u => u is { Shortcut: false })
                ?? throw graph.Bad($"{OnnxGraph.Describe(add)} is not a residual Add: neither input comes from a main-path Conv+BN");
            var other = add.Input.First(i => i != main.Output);
            var blockInput = byOutput.TryGetValue(other, out var shortcut) ? shortcut.Input : other;

            int convs = 0;
            var t = main.Output;
            while (t != blockInput)
            {
                var producer = graph.ProducerOf(t)
                    ?? throw graph.Bad($"{OnnxGraph.Describe(add)}: cannot trace its main path back to the block input '{blockInput}'");
                if (producer.OpType == "Conv") convs++;
                t = producer.Input[0];
            }
            if (convs != 2)
                throw graph.Bad($"the residual block ending at {OnnxGraph.Describe(add)} has {convs} convolutions on its main path; only BasicBlocks (2) are supported");
            widths.Add(graph.Dims(main.Conv.Input[1])[0]);
        }
        if (widths.Count == 0) throw graph.Bad("it has no residual Add nodes, so it is not a ResNet");

        var layers = new List<int>();
        var stageWidths = new List<long>();
        for (int i = 0; i < widths.Count; i++)
        {
            if (i > 0 && widths[i] == widths[i - 1]) layers[^1]++;
            else { layers.Add(1); stageWidths.Add(widths[i]); }
        }
        if (!stageWidths.SequenceEqual(BasicResNet.StageWidths))
            throw graph.Bad($"its stages have widths [{string.Join(",", stageWidths)}], expected [{string.Join(",", BasicResNet.StageWidths)}]");
        return layers.ToArray();
    }

    private static List<ModuleUnit> ModuleUnits(BasicResNet module)
    {
        // Depth-first registration order, as PyTorch lists modules (TorchSharp's named_modules() is breadth-first).
        var all = new List<(string name, nn.Module module)>();
        void Walk(nn.Module parent, string prefix)
        {
            foreach (var (name, child) in parent.named_children())
            {
                all.Add((prefix + name, child));
                Walk(child, prefix + name + ".");
            }
        }
        Walk(module, "");
        var units = new List<ModuleUnit>();
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].module is not Conv2d conv) continue;
            var (bnName, bn) = all.Skip(i + 1).Where(m => m.module is BatchNorm2d).Select(m => (m.name, (BatchNorm2d)m.module)).First();
            units.Add(new ModuleUnit(all[i].name, conv, bnName, bn, all[i].name.Contains(".downsample.")));
        }
        return units;
    }

    private static List<(string, string)> CopyWeights(OnnxGraph graph, List<ConvUnit> onnx, List<ModuleUnit> target)
    {
        var mapping = new List<(string, string)>();
        var spatial = SpatialSizes(graph);
        using var noGrad = torch.no_grad();
        foreach (bool shortcut in new[] { false, true })
        {
            var from = onnx.Where(u => u.Shortcut == shortcut).ToList();
            var to = target.Where(u => u.Shortcut == shortcut).ToList();
            string role = shortcut ? "shortcut (1x1 downsample)" : "main-path";
            if (from.Count != to.Count)
                throw graph.Bad($"it has {from.Count} {role} convolutions but the inferred network has {to.Count}");
            for (int i = 0; i < from.Count; i++)
            {
                CheckGeometry(graph, from[i].Conv, to[i].ConvName, to[i].Conv, spatial);
                Copy(graph, from[i].Conv.Input[1], to[i].Conv.weight!, to[i].ConvName + ".weight", mapping);
                if (from[i].Conv.Input.Count > 2 && from[i].Conv.Input[2].Length > 0)
                    throw graph.Bad($"{OnnxGraph.Describe(from[i].Conv)} has a bias, but a Conv followed by BatchNormalization should not");

                var bn = from[i].Bn;
                if (OnnxGraph.Int(bn, "spatial", 1) != 1)
                    throw graph.Bad($"{OnnxGraph.Describe(bn)} is not spatial (per-pixel statistics cannot be imported)");
                if (bn.Input.Count != 5) throw graph.Bad($"{OnnxGraph.Describe(bn)} has {bn.Input.Count} inputs, expected 5");
                var b = to[i].Bn;
                Copy(graph, bn.Input[1], b.weight!, to[i].BnName + ".weight", mapping);
                Copy(graph, bn.Input[2], b.bias!, to[i].BnName + ".bias", mapping);
                Copy(graph, bn.Input[3], b.running_mean!, to[i].BnName + ".running_mean", mapping);
                Copy(graph, bn.Input[4], b.running_var!, to[i].BnName + ".running_var", mapping);
                b.eps = OnnxGraph.Float(bn, "epsilon", 1e-5f);
            }
        }

        var used = mapping.Select(m => m.Item1).ToHashSet();
        var unused = graph.Initializers.Keys.Where(k => !used.Contains(k)).ToList();
        if (unused.Count > 0)
            throw graph.Bad($"{unused.Count} initializer(s) were not matched to any parameter: {string.Join(", ", unused.Take(10))}{(unused.Count > 10 ? ", ..." : "")}");
        CheckPooling(graph, spatial);
        return mapping;
    }

    private static void Copy(OnnxGraph graph, string initializer, Tensor target, string parameter, List<(string, string)> mapping)
    {
        if (!graph.IsInitializer(initializer))
            throw graph.Bad($"'{initializer}', meant for {parameter}, is computed by the graph rather than stored");
        var dims = graph.Dims(initializer);
        if (!dims.SequenceEqual(target.shape))
            throw graph.Bad($"initializer '{initializer}' has shape [{string.Join(",", dims)}] but {parameter} needs [{string.Join(",", target.shape)}]");
        using var source = torch.tensor(graph.Floats(initializer), dims);
        target.copy_(source);
        mapping.Add((initializer, parameter));
    }

    /// <summary>Strides, dilations and groups must equal the module's; the leading pads must equal its symmetric
    /// padding, and trailing pads (CNTK writes smaller ones) must give the same output size at the file's input size.</summary>
    private static void CheckGeometry(OnnxGraph graph, NodeProto conv, string name, Conv2d module, Dictionary<string, long[]> spatial)
    {
        var k = module.kernel_size;
        var strides = OnnxGraph.Ints(conv, "strides", [1, 1]);
        var dilations = OnnxGraph.Ints(conv, "dilations", [1, 1]);
        var pads = OnnxGraph.Ints(conv, "pads", [0, 0, 0, 0]);
        if (OnnxGraph.Int(conv, "group", 1) != module.groups || !strides.SequenceEqual(module.stride) || !dilations.SequenceEqual(module.dilation))
            throw graph.Bad($"{OnnxGraph.Describe(conv)} has strides [{string.Join(",", strides)}], dilations [{string.Join(",", dilations)}], group {OnnxGraph.Int(conv, "group", 1)}, which differ from {name}");
        CheckPads(graph, conv, name, pads, module.padding, k, strides, dilations, spatial);
    }

    private static void CheckPads(OnnxGraph graph, NodeProto node, string name, long[] pads, long[] padding, long[] k,
        long[] strides, long[] dilations, Dictionary<string, long[]> spatial)
    {
        var autoPad = node.Attribute.FirstOrDefault(a => a.Name == "auto_pad")?.S.ToStringUtf8() ?? "";
        if (autoPad is not ("" or "NOTSET"))
            throw graph.Bad($"{OnnxGraph.Describe(node)} uses auto_pad {autoPad}, which the importer does not translate");
        if (pads.Length != 4 || pads[0] != padding[0] || pads[1] != padding[1])
            throw graph.Bad($"{OnnxGraph.Describe(node)} has pads [{string.Join(",", pads)}], which do not start with {name}'s padding [{string.Join(",", padding)}]");
        if (pads[2] == padding[0] && pads[3] == padding[1]) return;
        if (!spatial.TryGetValue(node.Input[0], out var size))
            throw graph.Bad($"{OnnxGraph.Describe(node)} pads asymmetrically [{string.Join(",", pads)}] and its input size is unknown, so {name}'s symmetric padding cannot be proven equal");
        for (int d = 0; d < 2; d++)
        {
            long kEff = (k[d] - 1) * dilations[d] + 1;
            long onnxOut = (size[d] + pads[d] + pads[d + 2] - kEff) / strides[d] + 1;
            long torchOut = (size[d] + 2 * padding[d] - kEff) / strides[d] + 1;
            if (onnxOut != torchOut)
                throw graph.Bad($"{OnnxGraph.Describe(node)} pads [{string.Join(",", pads)}] give {onnxOut} outputs at input size {size[d]}, but {name}'s symmetric padding gives {torchOut}");
        }
    }

    /// <summary>The stem's MaxPool must match the module's, and the graph must end in a global average pool.</summary>
    private static void CheckPooling(OnnxGraph graph, Dictionary<string, long[]> spatial)
    {
        var pools = graph.Nodes.Where(n => n.OpType == "MaxPool").ToList();
        if (pools.Count != 1) throw graph.Bad($"it has {pools.Count} MaxPool nodes, expected the stem's one");
        var pool = pools[0];
        var k = OnnxGraph.Ints(pool, "kernel_shape", []);
        var strides = OnnxGraph.Ints(pool, "strides", [1, 1]);
        if (!k.SequenceEqual(new long[] { 3, 3 }) || !strides.SequenceEqual(new long[] { 2, 2 }) || OnnxGraph.Int(pool, "ceil_mode", 0) != 0)
            throw graph.Bad($"{OnnxGraph.Describe(pool)} is not the 3x3 stride-2 stem pool");
        CheckPads(graph, pool, "maxpool", OnnxGraph.Ints(pool, "pads", [0, 0, 0, 0]), [1, 1], k, strides, [1, 1], spatial);

        if (graph.Outputs.Count != 1) throw graph.Bad($"it has {graph.Outputs.Count} outputs, expected the pooled feature only");
        var last = graph.ProducerOf(graph.Outputs[0].Name);
        if (last?.OpType == "Flatten") last = graph.ProducerOf(last.Input[0]);
        bool global = last?.OpType == "GlobalAveragePool"
            || (last?.OpType == "AveragePool" && spatial.TryGetValue(last.Input[0], out var s)
                && OnnxGraph.Ints(last, "kernel_shape", []).SequenceEqual(s) && OnnxGraph.Ints(last, "pads", [0, 0, 0, 0]).All(p => p == 0));
        if (!global)
            throw graph.Bad($"its output '{graph.Outputs[0].Name}' is not a global average pool; only featurizers ending in the pooled feature are supported");
    }

    /// <summary>Spatial (H, W) of every tensor, propagated from the declared input size through convs and pools.</summary>
    private static Dictionary<string, long[]> SpatialSizes(OnnxGraph graph)
    {
        var sizes = new Dictionary<string, long[]>();
        foreach (var input in graph.Inputs)
        {
            var dims = graph.InputDims(input);
            if (dims.Length == 4 && dims[2] > 0 && dims[3] > 0) sizes[input.Name] = [dims[2], dims[3]];
        }
        foreach (var node in graph.Nodes)
        {
            if (!sizes.TryGetValue(node.Input[0], out var size)) continue;
            switch (node.OpType)
            {
                case "Conv" or "MaxPool" or "AveragePool":
                    var k = node.OpType == "Conv" ? graph.Dims(node.Input[1])[2..] : OnnxGraph.Ints(node, "kernel_shape", []);
                    var strides = OnnxGraph.Ints(node, "strides", [1, 1]);
                    var dilations = OnnxGraph.Ints(node, "dilations", [1, 1]);
                    var pads = OnnxGraph.Ints(node, "pads", [0, 0, 0, 0]);
                    if (k.Length != 2 || strides.Length != 2 || pads.Length != 4) continue;
                    long Out(int d) => (size[d] + pads[d] + pads[d + 2] - ((k[d] - 1) * dilations[d] + 1)) / strides[d] + 1;
                    sizes[node.Output[0]] = [Out(0), Out(1)];
                    break;
                case "GlobalAveragePool":
                    sizes[node.Output[0]] = [1, 1];
                    break;
                default:
                    sizes[node.Output[0]] = size;
                    break;
            }
        }
        return sizes;
    }
}
