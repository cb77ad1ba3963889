// `dissect layers`: lists a model's probe-able layers with their types and output shapes.
using System.CommandLine;
using Dissection.Core.Models;

namespace Dissection.Cli.Commands;

public sealed class LayersCommand : Verb
{
    private readonly Option<string> _model = CliOptions.Text("--model",
        $"ARCH or ARCH:CHECKPOINT, e.g. resnet18 or vgg16:models/vgg16_places365.pth; architectures: {string.Join(", ", ModelRegistry.Architectures)}",
        "SPEC", required: true);
    private readonly Option<int?> _inputSize = CliOptions.OptionalInt("--input-size", "square input side (default: the model's own)", min: 1);
    private readonly Option<string> _device = CliOptions.Device();

    public LayersCommand() : base("layers", "list a model's layers, module types and output shapes") => Add(_model, _inputSize, _device);

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        var spec = ModelSpec.Parse(parse.GetValue(_model)!);
        var options = new ModelOptions(Device: parse.GetValue(_device)!, InputSize: parse.GetValue(_inputSize));

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
