// The uploads page (/uploads): an editor's saved uploads (name, size, date) with the quota used and left, each
// deletable; an admin sees everyone's, with each user's use. Everything it shows and does goes through GuardedUploads,
// the same checks as the API, so the page's numbers are the store's.
using System.Globalization;
using Dissection.Core.Storage;
using Dissection.Dashboard.Security;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class UploadsPage
{
    [Inject] private GuardedUploads Uploads { get; set; } = default!;
    [Inject] private DashboardAccess Access { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private UploadsView? _view;
    private List<(string Owner, int Count, long Bytes)> _byOwner = [];
    private HashSet<string> _deletable = [];
    private string? _message;

    protected override Task OnInitializedAsync() => Load();

    private async Task Load()
    {
        try
        {
            _view = await Uploads.ListAsync();
            _byOwner = _view.Uploads.GroupBy(u => u.Owner).Select(g => (g.Key, g.Count(), g.Sum(u => u.Bytes)))
                .OrderByDescending(o => o.Item3).ToList();
            _deletable = [];
            foreach (var owner in _view.Uploads.Select(u => u.Owner).Distinct())
                if (await Access.CanDeleteUploadAsync(owner)) _deletable.Add(owner);
        }
        catch (AccessDeniedException e) { _message = e.Message; _view = null; }
    }

    private async Task Delete(StoredUpload upload)
    {
        var sure = await Dialogs.ShowMessageBoxAsync("Delete this upload?",
            $"\"{(upload.Name.Length > 0 ? upload.Name : upload.Id)}\" ({ShowBytes(upload.Bytes)}) will be deleted, and links to it will stop working.",
            yesText: "Delete", cancelText: "Keep it");
        if (sure != true) return;
        try
        {
            _message = await Uploads.DeleteUploadAsync(upload.Id, upload.Owner) ? null : "That upload was already deleted.";
        }
        catch (AccessDeniedException e) { _message = e.Message; }
        await Load();
    }

    /// <summary>A requester as people know it: the account name, or the local dashboard's user.</summary>
    private static string OwnerName(string owner) =>
        owner.StartsWith(AccessRules.UserRequester, StringComparison.Ordinal) ? owner[AccessRules.UserRequester.Length..] : "local user";

    private static string ShowBytes(long bytes) =>
        bytes >= 1024 * 1024 ? (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB"
        : bytes >= 1024 ? (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB"
        : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";

    private static string Percent(long used, long total) =>
        (100.0 * used / Math.Max(1, total)).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}
