// The real dashboard in Shared mode: sign-in required, three accounts made with `dissect users`' own code (a viewer and
// two editors), the fixture's demo run published and its small run not.
using Dissection.Core.Accounts;
using Dissection.Core.Storage;

namespace Dissection.EndToEnd.Tests;

public sealed class SharedModeFixture : DashboardFixture
{
    public const string Password = "correct horse battery";
    public const string Viewer = "vera", Editor = "eddie", OtherEditor = "olga";

    protected override IEnumerable<string> ExtraArguments => ["--Dashboard:Mode", "Shared"];
    protected override string ReadyPath => "/login";

    protected override void Seed(ResultsStore store)
    {
        UserAccounts.Save(store, Viewer, DashboardRole.Viewer, Password);
        UserAccounts.Save(store, Editor, DashboardRole.Editor, Password);
        UserAccounts.Save(store, OtherEditor, DashboardRole.Editor, Password);
        store.SetRunOwner(RunId, Editor);
        store.SetRunPublished(RunId, true);
        store.SetRunOwner(SmallRunId, Editor);
    }
}

[CollectionDefinition(Name)]
public sealed class SharedModeCollection : ICollectionFixture<SharedModeFixture>
{
    public const string Name = "shared mode";
}
