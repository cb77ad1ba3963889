// Local mode against an outsider: a foreign Host (DNS rebinding) and a foreign Origin on Blazor's circuit or on a
// state-changing request are refused; the security headers are sent, and the pages with Blazor, MudBlazor and Plotly
// work under the CSP (no violation reported by chromium); unparsable query numbers give a notice naming them.
using System.Net;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class LocalModeHardeningTests(DashboardFixture app)
{
    [Fact]
    public async Task A_foreign_host_or_origin_is_refused()
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var rebinding = new HttpRequestMessage(HttpMethod.Get, "/");
        rebinding.Headers.Host = "evil.example";
        Assert.Equal(HttpStatusCode.BadRequest, (await http.SendAsync(rebinding)).StatusCode);

        async Task<HttpStatusCode> Negotiate(string? origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
            if (origin is not null) request.Headers.Add("Origin", origin);
            return (await http.SendAsync(request)).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Forbidden, await Negotiate("http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await Negotiate("null"));
        Assert.Equal(HttpStatusCode.OK, await Negotiate(app.BaseUrl));

        var post = new HttpRequestMessage(HttpMethod.Post, $"/api/runs/{app.RunId}/cancel");
        post.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(post)).StatusCode);

        // A websocket to the circuit opened by another site's page carries that page's Origin: refused before the upgrade.
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Origin", "http://evil.example");
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAnyAsync<System.Net.WebSockets.WebSocketException>(() =>
            socket.ConnectAsync(new Uri(app.BaseUrl.Replace("http", "ws") + "/_blazor?id=x"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);
    }

    [Fact]
    public async Task Pages_send_the_security_headers_and_work_under_the_csp()
    {
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var response = await http.GetAsync($"/runs/{app.RunId}");
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());

        var page = await app.NewPage();
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) violations.Add(m.Text); };
        page.PageError += (_, e) => violations.Add(e);
        foreach (var path in new[] { $"/runs/{app.RunId}", $"/runs/{app.RunId}/layers/conv5", $"/runs/{app.RunId}/layers/conv5/units/0", "/learn" })
        {
            await app.Open(page, path);
            await page.WaitForSelectorAsync(".main-svg", new() { Timeout = 30_000 });
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Unparsable_query_numbers_are_named_and_the_rest_of_the_view_works()
    {
        var page = await app.NewPage();
        await app.Open(page, $"/try?run={app.RunId}&image=99999999999");
        var notice = await page.InnerTextAsync("#try-query-notice");
        Assert.Contains("'image'", notice);
        Assert.Contains("99999999999", notice);
        Assert.Equal(0, await page.Locator("#page-error").CountAsync());

        await app.Open(page, $"/attack?run={app.RunId}&seed=abc");
        Assert.Contains("'seed'", await page.InnerTextAsync("#attack-query-notice"));
        Assert.Equal(0, await page.Locator("#page-error").CountAsync());
        Assert.Equal(1, await page.Locator("#attack-run").CountAsync());
        await page.Context.CloseAsync();
    }
}
