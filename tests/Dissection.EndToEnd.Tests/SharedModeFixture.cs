// The real dashboard in Shared mode: sign-in required, four accounts made with `dissect users`' own code (a viewer, two
// editors and an admin), the fixture's demo run published and its small run not.
using Dissection.Core.Accounts;
using Dissection.Core.Storage;
using Microsoft.Playwright;

namespace Dissection.EndToEnd.Tests;

public sealed class SharedModeFixture : DashboardFixture
{
    public const string Password = "correct horse battery";
    public const string Viewer = "vera", Editor = "eddie", OtherEditor = "olga", Admin = "ada";

    // Every test signs its users in from the one loopback address: more than the default 10 sign-ins a minute.
    protected override IEnumerable<string> ExtraArguments => ["--Dashboard:Mode", "Shared", "--Dashboard:SignInsPerMinute", "200"];
    protected override string ReadyPath => "/login";

    protected override void Seed(ResultsStore store)
    {
        UserAccounts.Save(store, Viewer, DashboardRole.Viewer, Password);
        UserAccounts.Save(store, Editor, DashboardRole.Editor, Password);
        UserAccounts.Save(store, OtherEditor, DashboardRole.Editor, Password);
        UserAccounts.Save(store, Admin, DashboardRole.Admin, Password);
        store.SetRunOwner(RunId, Editor);
        store.SetRunPublished(RunId, true);
        store.SetRunOwner(SmallRunId, Editor);
    }

    /// <summary>A fresh browser signed in as the user, on the home page with its circuit running.</summary>
    public async Task<IPage> SignIn(string user)
    {
        var page = await NewPage();
        await page.GotoAsync(BaseUrl + "/login");
        await page.FillAsync("#name", user);
        await page.FillAsync("#password", Password);
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#circuit-ready", new() { State = WaitForSelectorState.Attached });
        Assert.Equal(user, await page.InnerTextAsync("#signed-in-name"));
        return page;
    }
}

[CollectionDefinition(Name)]
public sealed class SharedModeCollection : ICollectionFixture<SharedModeFixture>
{
    public const string Name = "shared mode";
}
