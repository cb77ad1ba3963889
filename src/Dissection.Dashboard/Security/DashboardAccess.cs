// The current user of a circuit or a request, and the checks pages and endpoints make with it. In a Blazor circuit the
// user comes from the authentication state captured when the circuit started; in a plain request from HttpContext.
// A removed account stops working at its next request: the user is looked up in the store, not only in the cookie.
using Dissection.Core.Accounts;
using Dissection.Core.Storage;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Dissection.Dashboard.Security;

public sealed class DashboardAccess(IOptions<AccessOptions> options, IServiceProvider services, BrowserSession session, StoreAccess store)
{
    private DashboardUser? _user;
    private bool _resolved;

    public AccessOptions Options => options.Value;
    public bool Shared => options.Value.Mode == DashboardMode.Shared;

    /// <summary>The signed-in user (Local mode: the owner, an admin), or null for an anonymous visitor.</summary>
    public async Task<DashboardUser?> UserAsync()
    {
        if (!Shared) return AccessRules.LocalOwner;
        if (_resolved) return _user;
        System.Security.Claims.ClaimsPrincipal? principal = null;
        var http = services.GetService<IHttpContextAccessor>()?.HttpContext;
        if (services.GetService<AuthenticationStateProvider>() is { } auth)
        {
            try { principal = (await auth.GetAuthenticationStateAsync()).User; }
            catch (InvalidOperationException) { } // a plain request, not a circuit
        }
        principal ??= http?.User;
        var claimed = AccessRules.FromPrincipal(principal);
        // The store has the last word: a removed user or a changed role counts at once.
        // Read synchronously (one indexed row): a check that completes at once lets the AccessGate decide in the same
        // render, so a page is never torn down and rebuilt between the prerendered and the interactive view.
        var stored = claimed is null ? null : store.Read(s => s.GetUser(claimed.Name));
        _user = stored is null ? null : new DashboardUser(stored.Name, DashboardRoles.Parse(stored.Role));
        _resolved = true;
        return _user;
    }

    /// <summary>What a job's RequestedBy holds for this user: the tab in Local mode, the account in Shared mode.</summary>
    public async Task<string> RequesterAsync() =>
        Shared && await UserAsync() is { } u ? AccessRules.UserRequester + u.Name : session.Id;

    public async Task<bool> HasAsync(DashboardRole least) => AccessRules.Has(await UserAsync(), least);

    /// <exception cref="AccessDeniedException"/>
    public async Task RequireAsync(DashboardRole least, string action) => AccessRules.Require(await UserAsync(), least, action);

    public async Task<bool> CanSeeRunAsync(long runId) =>
        !Shared || AccessRules.CanSeeRun(await UserAsync(), store.Read(s => s.GetRunSharing(runId)));

    public async Task<bool> CanCancelAsync(string? jobRequestedBy) =>
        !Shared || AccessRules.CanCancel(await UserAsync(), await RequesterAsync(), jobRequestedBy);

    /// <summary>Local mode: the owner deletes every run (after a confirmation); Shared mode: AccessRules.CanDeleteRun.</summary>
    public async Task<bool> CanDeleteRunAsync(long runId) =>
        !Shared || AccessRules.CanDeleteRun(await UserAsync(), store.Read(s => s.GetRunSharing(runId)));

    public async Task<bool> CanDeleteUploadAsync(string uploadOwner) =>
        !Shared || AccessRules.CanDeleteUpload(await UserAsync(), await RequesterAsync(), uploadOwner);

    public async Task<bool> CanPublishAsync(long runId) =>
        Shared && AccessRules.CanPublish(await UserAsync(), store.Read(s => s.GetRunSharing(runId)));
}
