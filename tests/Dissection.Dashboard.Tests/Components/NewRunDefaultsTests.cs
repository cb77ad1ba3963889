// The New run dialog preselects the layer a newcomer most likely wants: the last spatial convolution.
using Dissection.Core.Instrumentation;
using Dissection.Dashboard.Components.Shared;

namespace Dissection.Dashboard.Tests.Components;

public class NewRunDefaultsTests
{
    [Fact]
    public void Alexnet_defaults_to_its_last_conv_not_the_pool_or_the_container()
    {
        LayerInfo[] layers =
        [
            new("features", "Sequential", [256, 6, 6]),
            new("features.8", "Conv2d", [256, 13, 13]),
            new("features.10", "Conv2d", [256, 13, 13]),
            new("features.11", "ReLU", [256, 13, 13]),
            new("features.12", "MaxPool2d", [256, 6, 6]),
            new("avgpool", "AdaptiveAvgPool2d", [256, 6, 6]),
            new("classifier.1", "Linear", [4096]),
        ];
        Assert.Equal("features.10", NewRunDialog.DefaultLayer(layers));
    }

    [Fact]
    public void Without_convolutions_the_last_spatial_non_pool_layer_is_chosen()
    {
        LayerInfo[] layers = [new("block1", "Block", [64, 8, 8]), new("block2", "Block", [128, 4, 4]), new("pool", "MaxPool2d", [128, 2, 2]), new("fc", "Linear", [10])];
        Assert.Equal("block2", NewRunDialog.DefaultLayer(layers));
    }

    [Fact]
    public void No_spatial_layer_means_no_default() =>
        Assert.Null(NewRunDialog.DefaultLayer([new LayerInfo("fc", "Linear", [10])]));
}
