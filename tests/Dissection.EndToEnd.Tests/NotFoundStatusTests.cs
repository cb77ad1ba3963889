// Missing things answer HTTP 404 with the friendly page (status set while the page is prerendered), and real pages
// answer 200: checked with plain HTTP requests, as a crawler or link checker sees them.
using System.Net;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class NotFoundStatusTests(DashboardFixture app)
{
    public static TheoryData<string, string> Missing => new()
    {
        { "/runs/99999", "There is no run #99999" },
        { "/runs/{R}/layers/nope", "no results for a layer named 'nope'" },
        { "/runs/{R}/layers/conv5/units/9999", "has no unit 9999" },
        { "/runs/{R}/layers/nope/units/1", "has no layer named 'nope'" },
        { "/runs/{R}/concepts/volcano", "No unit of this run is labelled" },
        { "/runs/99999/classes/forest", "There is no run #99999" },
        { "/runs/99999/layers/conv5/ablate", "There is no run #99999" },
        { "/gan/nope", "No GAN model 'nope' yet" },
        { "/no/such/page", "Nothing lives at /no/such/page" },
        { "/s/NoSuchId1", "There is no stored link" },
    };

    [Theory]
    [MemberData(nameof(Missing))]
    public async Task Missing_things_answer_404_with_the_friendly_page(string path, string message)
    {
        using var http = new HttpClient();
        var r = await http.GetAsync(app.BaseUrl + path.Replace("{R}", app.RunId.ToString()));
        var html = await r.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        var text = WebUtility.HtmlDecode(html);
        Assert.True(text.Contains(message) && text.Contains("id=\"nav-gan\""), html.Length > 6000 ? html[..6000] : html);   // the friendly page comes with the app's navigation around it
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/runs/{R}")]
    [InlineData("/runs/{R}/layers/conv5")]
    [InlineData("/runs/{R}/layers/conv5/units/3")]
    [InlineData("/runs/{R}/concepts/tree")]
    [InlineData("/gan/test-gan")]
    [InlineData("/compare")]
    public async Task Real_pages_answer_200(string path)
    {
        using var http = new HttpClient();
        var r = await http.GetAsync(app.BaseUrl + path.Replace("{R}", app.RunId.ToString()));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.DoesNotContain("id=\"not-found\"", await r.Content.ReadAsStringAsync());
    }
}
