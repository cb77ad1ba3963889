// How model names from the command line are split into architecture and checkpoint.
using Dissection.Core.Models;

namespace Dissection.Core.Tests.Models;

public class ModelSpecTests
{
    [Fact]
    public void Arch_alone_has_no_checkpoint() =>
        Assert.Equal(new ModelSpec("resnet18", null), ModelSpec.Parse("resnet18"));

    [Fact]
    public void Splits_at_the_first_colon_only()
    {
        var spec = ModelSpec.Parse("resnet18:models/a:b.pth");
        Assert.Equal("resnet18", spec.Arch);
        Assert.Equal("models/a:b.pth", spec.Checkpoint);
        Assert.Equal("resnet18:models/a:b.pth", spec.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(":x.pth")]
    [InlineData("resnet18:")]
    public void Malformed_specs_throw(string text) => Assert.Throws<ArgumentException>(() => ModelSpec.Parse(text));
}
