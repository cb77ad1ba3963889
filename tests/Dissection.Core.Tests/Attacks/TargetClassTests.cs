// Target classes are read by name (forgiving case and separators) or by index, and unknown ones are refused by name.
using Dissection.Core.Attacks;

namespace Dissection.Core.Tests.Attacks;

public sealed class TargetClassTests
{
    private static readonly string[] Names = ["bedroom", "living_room", "ski-resort", "7"];

    [Theory]
    [InlineData("bedroom", 0)]
    [InlineData("Living Room", 1)]
    [InlineData("ski_resort", 2)]
    [InlineData("2", 2)]
    [InlineData("7", 3)]  // a class literally named "7" wins over index 7
    public void Names_and_indices_resolve(string text, int expected) => Assert.Equal(expected, TargetClass.Resolve(text, Names, 4));

    [Theory]
    [InlineData("kitchen", "unknown class 'kitchen'; classes: bedroom, living_room")]
    [InlineData("4", "out of range")]
    [InlineData("-1", "unknown class '-1'")]
    [InlineData(" ", "no target class")]
    public void Unknown_classes_are_refused(string text, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => TargetClass.Resolve(text, Names, 4)).Message);

    [Fact]
    public void Models_without_names_take_indices() =>
        Assert.Contains("give an index 0..9", Assert.Throws<ArgumentException>(() => TargetClass.Resolve("cat", null, 10)).Message);
}
