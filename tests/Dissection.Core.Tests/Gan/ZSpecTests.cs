// z datasets named as z:SEED:COUNT: parsed exactly, and every bad seed or count is refused with a message that says
// what is wrong and what range is allowed.
using Dissection.Core.Gan;

namespace Dissection.Core.Tests.Gan;

public class ZSpecTests
{
    [Fact]
    public void Parses_seed_and_count()
    {
        Assert.Equal(new ZSpec(1, 10000), ZSpec.Parse("z:1:10000"));
        Assert.Equal(new ZSpec(ZSpec.MaxSeed, 1), ZSpec.Parse("Z:2147483647:1"));
        Assert.Equal("z:7:500", new ZSpec(7, 500).ToString());
        Assert.True(ZSpec.IsZSpec("z:1:2"));
        Assert.False(ZSpec.IsZSpec("data/world"));
    }

    [Theory]
    [InlineData("z:-1:10", "seed '-1' is out of range")]
    [InlineData("z:2147483648:10", "seed '2147483648' is out of range")]
    [InlineData("z:abc:10", "seed 'abc' is out of range")]
    [InlineData("z:1:0", "count '0' is out of range")]
    [InlineData("z:1:1000001", "count '1000001' is out of range")]
    [InlineData("z:1", "expected z:SEED:COUNT")]
    [InlineData("world", "not a z dataset")]
    public void Bad_specs_say_what_is_wrong(string text, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => ZSpec.Parse(text));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_seed_from_a_url_is_checked_alone()
    {
        Assert.Equal(42, ZSpec.CheckSeed("42"));
        Assert.Contains("0 to 2147483647", Assert.Throws<ArgumentException>(() => ZSpec.CheckSeed("99999999999")).Message);
    }
}
