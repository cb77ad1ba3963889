// The options `run` and `bench` share read into the engine's records with the same defaults the hand-written parser
// gave: DissectionSettings' own defaults, the model's own size and normalisation, and cvpr17's smaller quantile.
using System.CommandLine;
using Dissection.Cli.Commands;
using Dissection.Core.Dissection;
using Dissection.Core.Models;

namespace Dissection.Cli.Tests;

public sealed class DefaultsTests
{
    private static (ModelSpec Spec, ModelOptions Options, string Dataset, IReadOnlyList<string> Layers, DissectionSettings Settings) Read(params string[] args)
    {
        var options = new DissectionOptions();
        var command = new RootCommand();
        foreach (var o in options.All) command.Options.Add(o);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return options.Read(parse);
    }

    [Fact]
    public void Unset_options_give_the_engines_defaults()
    {
        var r = Read("--model", "resnet18", "--dataset", "data/world", "--layers", "layer3, layer4");
        Assert.Equal(ModelSpec.Parse("resnet18"), r.Spec);
        Assert.Equal(new ModelOptions("auto", null, null, null), r.Options);
        Assert.Equal(["layer3", "layer4"], r.Layers);
        Assert.Equal(new DissectionSettings(), r.Settings);
    }

    [Fact]
    public void Given_options_reach_the_settings()
    {
        var r = Read("--model", "resnet18", "--dataset", "d", "--layers", "a", "--method", "CVPR17", "--iou=0.05", "--topk", "5",
            "--batch", "8", "--limit", "100", "--split", "val", "--on-bad-image", "fail", "--input-size", "96", "--mean", "0.5,0.5,0.5",
            "--std", "0.25,0.25,0.25", "--device", "cpu");
        Assert.Equal(new DissectionSettings
        {
            Method = DissectionMethod.Cvpr17, Quantile = 0.005, IouThreshold = 0.05, TopK = 5, BatchSize = 8, Limit = 100, Split = "val",
            OnBadImage = BadImagePolicy.Fail,
        }, r.Settings);
        Assert.Equal("cpu", r.Options.Device);
        Assert.Equal(96, r.Options.InputSize);
        Assert.Equal([0.5f, 0.5f, 0.5f], r.Options.Mean);
        Assert.Equal([0.25f, 0.25f, 0.25f], r.Options.Std);
    }
}
