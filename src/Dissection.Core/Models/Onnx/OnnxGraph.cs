// An ONNX file read into what our importers need: nodes in data-flow order, who produces and consumes each
// tensor, float initializers and attributes. Every error names the file, because a wrong or truncated download
// is the usual cause.
using Google.Protobuf;
using Onnx;

namespace Dissection.Core.Models.Onnx;

internal sealed class OnnxGraph
{
    private readonly Dictionary<string, NodeProto> producers = new();
    private readonly Dictionary<string, List<NodeProto>> consumers = new();
    private readonly Dictionary<string, TensorProto> initializers;

    public string Path { get; }
    public ModelProto Model { get; }
    /// <summary>Nodes ordered so that every node comes after the producers of its inputs (ties keep file order).</summary>
    public IReadOnlyList<NodeProto> Nodes { get; }
    public IReadOnlyDictionary<string, TensorProto> Initializers => initializers;
    /// <summary>Graph inputs that are fed at run time (IR 3 files also list the initializers as inputs).</summary>
    public IReadOnlyList<ValueInfoProto> Inputs { get; }
    public IReadOnlyList<ValueInfoProto> Outputs { get; }

    private OnnxGraph(string path, ModelProto model)
    {
        Path = path;
        Model = model;
        var graph = model.Graph ?? throw Bad("it has no graph");
        initializers = new Dictionary<string, TensorProto>();
        foreach (var init in graph.Initializer)
            if (!initializers.TryAdd(init.Name, init)) throw Bad($"initializer '{init.Name}' appears twice");
        Inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).ToList();
        Outputs = graph.Output.ToList();
        Nodes = SortByDataFlow(graph.Node);
        foreach (var node in Nodes)
        {
            foreach (var output in node.Output)
                if (!producers.TryAdd(output, node)) throw Bad($"tensor '{output}' is produced twice");
            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }
        }
        if (Nodes.Count == 0) throw Bad("its graph has no nodes");
    }

    /// <summary>Parses the file; a missing, truncated or non-ONNX file gives an <see cref="InvalidDataException"/> naming it.</summary>
    public static OnnxGraph Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file not found: {path}", path);
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not a readable ONNX model, the file may be truncated or of another kind ({e.Message})", e);
        }
        return new OnnxGraph(path, model);
    }

    public InvalidDataException Bad(string what) => new($"{Path}: {what}.");

    public NodeProto? ProducerOf(string tensor) => producers.GetValueOrDefault(tensor);

    public IReadOnlyList<NodeProto> ConsumersOf(string tensor) =>
        consumers.TryGetValue(tensor, out var list) ? list : [];

    public bool IsInitializer(string tensor) => initializers.ContainsKey(tensor);

    /// <summary>Dims of an initializer.</summary>
    public long[] Dims(string initializer) => Initializer(initializer).Dims.ToArray();

    /// <summary>The values of a float initializer, from float_data or little-endian raw_data.</summary>
    public float[] Floats(string initializer)
    {
        var t = Initializer(initializer);
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw Bad($"initializer '{initializer}' has data type {(TensorProto.Types.DataType)t.DataType}, expected FLOAT");
        long expected = t.Dims.Aggregate(1L, (a, d) => a * d);
        float[] values;
        if (t.FloatData.Count > 0) values = t.FloatData.ToArray();
        else
        {
            var raw = t.RawData.Span;
            if (raw.Length % sizeof(float) != 0) throw Bad($"initializer '{initializer}' has {raw.Length} raw bytes, not whole floats");
            values = new float[raw.Length / sizeof(float)];
            for (int i = 0; i < values.Length; i++)
                values[i] = BitConverter.ToSingle(raw.Slice(i * sizeof(float), sizeof(float)));
        }
        if (values.Length != expected)
            throw Bad($"initializer '{initializer}' holds {values.Length} values but its dims [{string.Join(",", t.Dims)}] need {expected}");
        return values;
    }

    /// <summary>Dims of a run-time input as declared in the file (0 where symbolic).</summary>
    public long[] InputDims(ValueInfoProto input) =>
        input.Type?.TensorType?.Shape?.Dim.Select(d => d.DimValue).ToArray() ?? [];

    public static long[] Ints(NodeProto node, string name, long[] fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.Ints.ToArray() : fallback;

    public static long Int(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    public static float Float(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;

    /// <summary>Human-readable node name for messages (CNTK names every node; other exporters may not).</summary>
    public static string Describe(NodeProto node) =>
        $"{node.OpType} '{(node.Name.Length > 0 ? node.Name : string.Join(",", node.Output))}'";

    private TensorProto Initializer(string name) =>
        initializers.TryGetValue(name, out var t) ? t : throw Bad($"initializer '{name}' is missing");

    private List<NodeProto> SortByDataFlow(IReadOnlyList<NodeProto> nodes)
    {
        // Kahn's algorithm, always taking the earliest ready node, so an already sorted file keeps its order.
        var available = new HashSet<string>(initializers.Keys) { "" };
        foreach (var input in Inputs) available.Add(input.Name);
        var done = new bool[nodes.Count];
        var sorted = new List<NodeProto>(nodes.Count);
        while (sorted.Count < nodes.Count)
        {
            int next = -1;
            for (int i = 0; i < nodes.Count && next < 0; i++)
                if (!done[i] && nodes[i].Input.All(available.Contains)) next = i;
            if (next < 0)
            {
                var stuck = nodes.Where((_, i) => !done[i]).First();
                var missing = stuck.Input.First(i => !available.Contains(i));
                throw Bad($"{Describe(stuck)} reads '{missing}', which no node, input or initializer provides (cycle or truncated graph)");
            }
            done[next] = true;
            sorted.Add(nodes[next]);
            foreach (var output in nodes[next].Output) available.Add(output);
        }
        return sorted;
    }
}
