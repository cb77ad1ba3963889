// Static files reach the browser compressed and, where their URL names their content (a build fingerprint, or a
// package version in the file name), cacheable for a year: a second visit loads no script or style again.
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class StaticAssetTests(DashboardFixture app)
{
    [Fact]
    public async Task Scripts_and_styles_are_compressed_fingerprinted_and_cached_for_a_year()
    {
        var page = await app.NewPage();
        var responses = new List<IResponse>();
        page.Response += (_, r) => { if (r.Url.EndsWith(".js") || r.Url.EndsWith(".css")) responses.Add(r); };
        await app.Open(page, $"/runs/{app.RunId}");
        // The first page of a fresh app loads every script: generous on a loaded machine.
        await page.WaitForSelectorAsync("#detectors-chart .main-svg", new() { Timeout = 90_000 });

        // Ours and MudBlazor's through @Assets: fingerprinted names (name.HASH.ext).
        var fingerprinted = new[] { "css/dashboard", "js/dashboard", "js/ganpaint", "_content/MudBlazor/MudBlazor.min" };
        foreach (var name in fingerprinted)
            Assert.Contains(responses, r => System.Text.RegularExpressions.Regex.IsMatch(new Uri(r.Url).AbsolutePath, $"^/{name}\\.[a-z0-9]{{10}}\\.(css|js)$"));
        Assert.Contains(responses, r => r.Url.Contains("/_content/Plotly.Blazor/plotly-"));
        foreach (var r in responses)
        {
            var headers = await r.AllHeadersAsync();
            Assert.Equal(200, r.Status);
            Assert.Contains("max-age=31536000", headers["cache-control"]);
            Assert.Contains("immutable", headers["cache-control"]);
        }
        // The big scripts come compressed. (MudBlazor's fingerprinted files have no build-time compressed variant in a
        // Debug build; a publish adds them.)
        foreach (var r in responses.Where(r => r.Url.Contains("/plotly-") || r.Url.Contains("/blazor.web.") || r.Url.Contains("/js/")))
            Assert.True((await r.AllHeadersAsync()).TryGetValue("content-encoding", out var enc) && enc is "gzip" or "br", $"{r.Url} is not compressed");
        // Compressed for real: Plotly's script is far smaller on the wire than its text.
        var plotly = responses.First(r => r.Url.Contains("/plotly-3"));
        var sizes = await page.EvaluateAsync<long[]>($"() => {{ const e = performance.getEntriesByName('{plotly.Url}')[0]; return [e.encodedBodySize, e.decodedBodySize]; }}");
        Assert.True(sizes[0] * 2 < sizes[1], $"plotly: {sizes[0]} bytes on the wire for {sizes[1]}");
        await page.Context.CloseAsync();
    }
}
