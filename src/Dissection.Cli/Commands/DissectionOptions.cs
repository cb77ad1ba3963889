// The options `dissect run` and `dissect bench` share: the model, the concept dataset, the layers and the dissection
// settings, read into the engine's records (settings checked by DissectionSettings.Validate, errors naming the option).
using System.CommandLine;
using Dissection.Core.Dissection;
using Dissection.Core.Models;
using Dissection.Core.Work;

namespace Dissection.Cli.Commands;

internal sealed class DissectionOptions
{
    private static readonly DissectionSettings Defaults = new();

    public readonly Option<string> Model = CliOptions.Text("--model", "architecture or ARCH:CHECKPOINT", "SPEC");
    public readonly Option<string> Dataset = CliOptions.Text("--dataset", "Broden-format concept dataset, or z:SEED:COUNT for a generator", "DIR");
    public readonly Option<IReadOnlyList<string>> Layers = CliOptions.List("--layers", "layers to dissect (see 'dissect layers')");
    private readonly Option<string> _method = CliOptions.Choice("--method", "rule set: PNAS 2020 (pnas), or NetDissect-Lite's CVPR17 rules (cvpr17)", "pnas", "pnas", "cvpr17");
    private readonly Option<double?> _quantile = CliOptions.OptionalNumber("--quantile", "top fraction of activations kept (default 0.01; 0.005 with --method cvpr17)", "Q");
    private readonly Option<double> _iou = CliOptions.Number("--iou", "detector IoU threshold", Defaults.IouThreshold, "T");
    private readonly Option<int> _topk = CliOptions.Int("--topk", "top images kept per unit", Defaults.TopK, helpName: "K");
    private readonly Option<int> _batch = CliOptions.Int("--batch", "images per batch", Defaults.BatchSize, helpName: "B");
    private readonly Option<int?> _limit = CliOptions.OptionalInt("--limit", "use only the first N images of the split");
    private readonly Option<string> _split = CliOptions.Text("--split", "only images of this split (train, val)", "NAME");
    private readonly Option<string> _onBadImage = CliOptions.Choice("--on-bad-image", "skip unreadable images, or stop (fail)", "skip", "skip", "fail");
    private readonly Option<string> _device = CliOptions.Device();
    private readonly Option<int?> _inputSize = CliOptions.OptionalInt("--input-size", "override the model's input size", min: 1, helpName: "S");
    private readonly Option<float[]?> _mean = CliOptions.Floats("--mean", "override the model's normalisation mean");
    private readonly Option<float[]?> _std = CliOptions.Floats("--std", "override the model's normalisation standard deviation");

    public Option[] All => [Model, Dataset, Layers, _method, _quantile, _iou, _topk, _batch, _limit, _split, _onBadImage, _device, _inputSize, _mean, _std];

    /// <summary>Makes --model, --dataset and --layers required on <paramref name="verb"/>, except where
    /// <paramref name="unless"/> is given (`run --resume`).</summary>
    public void Require(Command verb, Option? unless = null)
    {
        if (unless is null)
        {
            Model.Required = Dataset.Required = Layers.Required = true;
            return;
        }
        verb.Validators.Add(r =>
        {
            if (r.GetResult(unless) is not null) return;
            foreach (var o in new Option[] { Model, Dataset, Layers })
                if (r.GetResult(o) is null) r.AddError($"Option '{o.Name}' is required.");
        });
    }

    public (ModelSpec Spec, ModelOptions Options, string Dataset, IReadOnlyList<string> Layers, DissectionSettings Settings) Read(ParseResult parse)
    {
        var spec = ModelSpec.Parse(parse.GetValue(Model)!);
        var layers = parse.GetValue(Layers) ?? [];
        if (layers.Count == 0) throw new UsageException("--layers needs at least one layer name");
        var method = parse.GetValue(_method)!.Equals("cvpr17", StringComparison.OrdinalIgnoreCase) ? DissectionMethod.Cvpr17 : DissectionMethod.Pnas;
        var settings = new DissectionSettings
        {
            Method = method,
            Quantile = parse.GetValue(_quantile) ?? (method == DissectionMethod.Cvpr17 ? 0.005 : Defaults.Quantile),
            IouThreshold = parse.GetValue(_iou),
            TopK = parse.GetValue(_topk),
            BatchSize = parse.GetValue(_batch),
            Limit = parse.GetValue(_limit),
            Split = parse.GetValue(_split),
            OnBadImage = parse.GetValue(_onBadImage)!.Equals("fail", StringComparison.OrdinalIgnoreCase) ? BadImagePolicy.Fail : BadImagePolicy.Skip,
        };
        try { settings.Validate(); }
        catch (JobParameterException e) { throw CliJobs.AsUsage(e); }
        var options = new ModelOptions(parse.GetValue(_device)!, parse.GetValue(_inputSize), parse.ValuesOrNull(_mean), parse.ValuesOrNull(_std));
        return (spec, options, parse.GetValue(Dataset)!, layers, settings);
    }
}
