// The preprocessing that a Caffe-style ONNX graph performs (reorder channels, subtract a mean image), read from
// the graph itself so that the means we apply are the ones the network was trained with, not numbers copied by hand.
using Onnx;

namespace Dissection.Core.Models.Onnx;

/// <param name="Bgr">True when the graph reverses RGB input to BGR before subtracting.</param>
/// <param name="Pixels">The mean image, (3, Height, Width) in the model's channel order and value range.</param>
internal sealed record OnnxMeanImage(bool Bgr, float[] Pixels, int Height, int Width)
{
    /// <summary>Mean of each channel of the mean image, in the model's channel order.</summary>
    public float[] ChannelMeans()
    {
        int plane = Height * Width;
        return Enumerable.Range(0, 3).Select(c => (float)Pixels.AsSpan(c * plane, plane).ToArray().Average(v => (double)v)).ToArray();
    }

    /// <summary>Reads a graph made of an optional Split+Concat channel reorder followed by Sub of a mean initializer.</summary>
    public static OnnxMeanImage Read(string path)
    {
        var graph = OnnxGraph.Read(path);
        foreach (var node in graph.Nodes)
            if (node.OpType is not ("Split" or "Concat" or "Sub"))
                throw graph.Bad($"{OnnxGraph.Describe(node)} is not part of a channel-reorder-and-subtract-mean preprocessing");

        var sub = graph.Nodes.SingleOrDefault(n => n.OpType == "Sub") ?? throw graph.Bad("it has no single Sub node subtracting a mean");
        var meanName = sub.Input[1];
        var dims = graph.IsInitializer(meanName) ? graph.Dims(meanName) : throw graph.Bad($"the mean '{meanName}' is not an initializer");
        if (!(dims.Length == 4 && dims[0] == 1 && dims[1] == 3) && !(dims.Length == 3 && dims[0] == 3))
            throw graph.Bad($"mean '{meanName}' has shape [{string.Join(",", dims)}], expected [1,3,H,W]");
        int height = (int)dims[^2], width = (int)dims[^1];

        bool bgr = false;
        var concat = graph.ProducerOf(sub.Input[0]);
        if (concat is not null)
        {
            var split = graph.Nodes.SingleOrDefault(n => n.OpType == "Split")
                ?? throw graph.Bad($"{OnnxGraph.Describe(concat)} reorders channels without a Split");
            if (concat.OpType != "Concat" || OnnxGraph.Int(concat, "axis", 0) != 1 || OnnxGraph.Int(split, "axis", 0) != 1)
                throw graph.Bad("its channel reorder is not a Split and Concat along axis 1");
            var order = concat.Input.Select(i => split.Output.IndexOf(i)).ToArray();
            if (order.SequenceEqual(new[] { 2, 1, 0 })) bgr = true;
            else if (!order.SequenceEqual(new[] { 0, 1, 2 }))
                throw graph.Bad($"its channel order [{string.Join(",", order)}] is neither RGB nor BGR");
        }
        return new OnnxMeanImage(bgr, graph.Floats(meanName), height, width);
    }
}
