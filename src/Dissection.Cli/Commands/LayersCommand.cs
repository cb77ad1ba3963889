// `dissect layers`: lists a model's probe-able layers with their types and output shapes.
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

public sealed class LayersCommand : ICommand
{
    public string Name => "layers";
    public string Summary => "list a model's layers, module types and output shapes";
    public string Usage =>
        "  --model SPEC        ARCH or ARCH:CHECKPOINT, e.g. resnet18 or vgg16:models/vgg16_places365.pth (required)\n" +
        $"                      architectures: {string.Join(", ", ModelRegistry.Architectures)}\n" +
        "  --input-size N      square input side (default: the model's own)\n" +
        "  --device D          auto | cpu | cuda (default auto)";

    public int Run(Args args, CancellationToken cancel)
    {
        var spec = ModelSpec.Parse(args.Required("model"));
        var options = new ModelOptions(Device: args.String("device", "auto"), InputSize: args.Int("input-size"));
        args.EnsureAllUsed();

        using var model = ModelRegistry.Load(spec, options);
        var layers = model.Instrumented.Layers();

        var rows = layers.Select(l =>
        {
            var resolved = model.Instrumented.Resolve(l.Name);
            var note = resolved == l.Name ? "" : $"probed after ReLU ({resolved})";
            return (l.Name, l.ModuleType, Shape: $"[{string.Join(",", l.OutputShape)}]", note);
        }).ToList();
        int w1 = Math.Max(5, rows.Max(r => r.Name.Length)), w2 = Math.Max(4, rows.Max(r => r.ModuleType.Length)),
            w3 = Math.Max(5, rows.Max(r => r.Shape.Length));

        Console.WriteLine($"{spec}  ({model.Preprocessing}, device {model.Device}" +
                          (model.NumClasses is { } n ? $", {n} classes)" : ")"));
        Console.WriteLine($"{"layer".PadRight(w1)}  {"type".PadRight(w2)}  {"shape".PadRight(w3)}");
        foreach (var r in rows)
            Console.WriteLine($"{r.Name.PadRight(w1)}  {r.ModuleType.PadRight(w2)}  {r.Shape.PadRight(w3)}  {r.note}".TrimEnd());
        return 0;
    }
}
