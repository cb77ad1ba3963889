// The preprocessing that a Caffe-style ONNX graph performs (reorder channels, subtract a mean image), read from
// the graph itself so that the means we apply are the ones the network was trained with, not numbers copied by hand.
namespace Dissection.Core.Models.Onnx;

internal static class OnnxMeanImage
{
    /// <summary>Reads a graph made of an optional Split+Concat channel reorder followed by Sub of a mean initializer.
    /// The graph does not say its value range; means above 1 can only belong to 0..255 input.</summary>
    public static Preprocessing Read(string path)
    {
        var graph = OnnxGraph.Read(path);
        foreach (var node in graph.Nodes)
            if (node.OpType is not ("Split" or "Concat" or "Sub"))
                throw graph.Bad($"{OnnxGraph.Describe(node)} is not part of a channel-reorder-and-subtract-mean preprocessing");

        var subs = graph.Nodes.Where(n => n.OpType == "Sub").ToList();
        if (subs.Count != 1) throw graph.Bad($"it has {subs.Count} Sub nodes, expected one subtracting a mean");
        var meanName = subs[0].Input[1];
        var dims = graph.IsInitializer(meanName) ? graph.Dims(meanName) : throw graph.Bad($"the mean '{meanName}' is not an initializer");
        if (!(dims.Length == 4 && dims[0] == 1 && dims[1] == 3) && !(dims.Length == 3 && dims[0] == 3))
            throw graph.Bad($"mean '{meanName}' has shape [{string.Join(",", dims)}], expected [1,3,H,W]");
        if (dims[^1] != dims[^2]) throw graph.Bad($"mean '{meanName}' is {dims[^2]}x{dims[^1]}, expected a square input");

        bool bgr = false;
        if (graph.ProducerOf(subs[0].Input[0]) is { } reorder)
        {
            var split = graph.Nodes.SingleOrDefault(n => n.OpType == "Split");
            if (reorder.OpType != "Concat" || split is null || OnnxGraph.Int(reorder, "axis", 0) != 1 || OnnxGraph.Int(split, "axis", 0) != 1)
                throw graph.Bad("its channel reorder is not a Split and a Concat along axis 1");
            var order = reorder.Input.Select(i => split.Output.IndexOf(i)).ToArray();
            if (order.SequenceEqual([2, 1, 0])) bgr = true;
            else if (!order.SequenceEqual([0, 1, 2]))
                throw graph.Bad($"its channel order [{string.Join(",", order)}] is neither RGB nor BGR");
        }

        var image = new MeanImage(graph.Floats(meanName), (int)dims[^2], (int)dims[^1]);
        var means = image.ChannelMeans();
        return new Preprocessing(image.Height, means, [1f, 1f, 1f], Bgr: bgr, ValueRange: means.Max() > 1f ? 255f : 1f)
        {
            MeanImage = image,
        };
    }
}
