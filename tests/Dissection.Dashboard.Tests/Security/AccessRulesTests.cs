// The access rules as plain functions, every role against every action; the Shared-mode door's path classes; the
// Origin check's comparison; the login page's return address never leaves the site.
using Dissection.Core.Accounts;
using Dissection.Core.Storage;
using Dissection.Dashboard.Security;
using Microsoft.AspNetCore.Http;

namespace Dissection.Dashboard.Tests.Security;

public class AccessRulesTests
{
    static readonly DashboardUser Viewer = new("v", DashboardRole.Viewer), Editor = new("e", DashboardRole.Editor),
        Other = new("o", DashboardRole.Editor), Admin = new("a", DashboardRole.Admin);

    [Fact]
    public void Roles_order_what_each_may_do()
    {
        Assert.False(AccessRules.Has(null, DashboardRole.Viewer));
        Assert.True(AccessRules.Has(Viewer, DashboardRole.Viewer));
        Assert.False(AccessRules.Has(Viewer, DashboardRole.Editor));
        Assert.True(AccessRules.Has(Editor, DashboardRole.Editor));
        Assert.False(AccessRules.Has(Editor, DashboardRole.Admin));
        Assert.True(AccessRules.Has(Admin, DashboardRole.Editor));
        Assert.False(Assert.Throws<AccessDeniedException>(() => AccessRules.Require(null, DashboardRole.Editor, "start runs")).SignedIn);
        var e = Assert.Throws<AccessDeniedException>(() => AccessRules.Require(Viewer, DashboardRole.Editor, "start runs"));
        Assert.True(e.SignedIn);
        Assert.Contains("editor", e.Message);
    }

    [Fact]
    public void Editors_cancel_their_own_jobs_admins_any_viewers_none()
    {
        Assert.True(AccessRules.CanCancel(Editor, "user:e", "user:e"));
        Assert.False(AccessRules.CanCancel(Other, "user:o", "user:e"));
        Assert.False(AccessRules.CanCancel(Viewer, "user:v", "user:v"));
        Assert.True(AccessRules.CanCancel(Admin, "user:a", "user:e"));
        Assert.True(AccessRules.CanCancel(Admin, "user:a", null));
        Assert.False(AccessRules.CanCancel(Editor, "user:e", null)); // the demo's and the CLI's jobs are the admin's
        Assert.False(AccessRules.CanCancel(null, "web-x", "web-x"));
    }

    [Fact]
    public void Published_runs_are_read_by_anyone_and_published_by_their_owner_or_an_admin()
    {
        var mine = new RunSharing(1, "e", false);
        Assert.False(AccessRules.CanSeeRun(null, mine));
        Assert.True(AccessRules.CanSeeRun(null, mine with { Published = true }));
        Assert.True(AccessRules.CanSeeRun(Viewer, mine));
        Assert.True(AccessRules.CanPublish(Editor, mine));
        Assert.False(AccessRules.CanPublish(Other, mine));
        Assert.False(AccessRules.CanPublish(Viewer, mine with { Owner = "v" }));
        Assert.True(AccessRules.CanPublish(Admin, RunSharing.Unowned(1)));
        Assert.False(AccessRules.CanPublish(null, mine));
    }

    [Theory]
    [InlineData("/runs/12", "GET", "Run")]
    [InlineData("/runs/12/layers/conv5/units/3", "GET", "Run")]
    [InlineData("/api/runs/12/layers/conv5/units/0/strip.png", "GET", "Run")]
    [InlineData("/runs/12/layers/conv5/ablate", "GET", "SignedIn")]
    [InlineData("/api/runs/12/cancel", "POST", "SignedIn")]
    [InlineData("/api/runs", "GET", "Open")]
    [InlineData("/api/runs", "POST", "SignedIn")]
    [InlineData("/", "GET", "SignedIn")]
    [InlineData("/try", "GET", "SignedIn")]
    [InlineData("/login", "GET", "Open")]
    [InlineData("/_blazor/negotiate", "POST", "Open")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js", "GET", "Open")]
    [InlineData("/runsx/12", "GET", "SignedIn")]
    public void The_shared_mode_door_classifies_paths(string path, string method, string door) =>
        Assert.Equal(door, SharedModeGate.Classify(path, method).ToString());

    [Theory]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5000", true)]
    [InlineData("dissect.example.org", "https://dissect.example.org", true)]
    [InlineData("127.0.0.1:5000", "http://evil.example", false)]
    [InlineData("127.0.0.1:5000", "http://127.0.0.1:5001", false)]
    [InlineData("127.0.0.1:5000", "null", false)]
    [InlineData("127.0.0.1:5000", "file://x", false)]
    public void The_origin_must_name_the_host_the_request_went_to(string host, string origin, bool same)
    {
        var context = new DefaultHttpContext();
        context.Request.Host = HostString.FromUriComponent(host);
        context.Request.Headers.Origin = origin;
        Assert.Equal(same, OriginCheck.SameOrigin(context.Request));
    }

    [Theory]
    [InlineData("/runs/1", "/runs/1")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData(null, "/")]
    public void Sign_in_returns_only_to_this_site(string? url, string expected) =>
        Assert.Equal(expected, SignInEndpoints.SafeReturn(url));
}
