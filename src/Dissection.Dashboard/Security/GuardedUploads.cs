// Saved uploads, checked on the server: an editor may save, within the per-user upload quota (Shared mode), list and
// delete their own; an admin lists and deletes everyone's. The saved file's size and name are recorded with its owner
// in the store; the file itself goes when its last holder deletes it. Used by /try's "Save", the uploads page and the
// API (POST, GET and DELETE /api/uploads).
using Dissection.Core.Accounts;
using Dissection.Core.Datasets;
using Dissection.Core.Storage;
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Security;

/// <summary>What the uploads page shows: the uploads the user may see (an admin: everyone's), the user's own use, and
/// the quota (null in Local mode, which has none).</summary>
public sealed record UploadsView(IReadOnlyList<StoredUpload> Uploads, string Requester, long UsedBytes, long? QuotaBytes, bool SeesEveryone);

public sealed class GuardedUploads(DashboardAccess access, StoreAccess store, TryImageService uploads, HeavyWork heavy)
{
    /// <summary>Saving and deleting one at a time in this process, so a file deleted with its last holder is never
    /// one that a save has just counted on.</summary>
    private static readonly SemaphoreSlim Files = new(1, 1);

    private long QuotaBytes => access.Options.UploadQuotaMegabytes * 1024L * 1024;

    /// <summary>Saves an upload under data/uploads/ for the current user; returns its id.</summary>
    /// <exception cref="AccessDeniedException">not an editor, or over the upload quota.</exception>
    /// <exception cref="BadImageException">not a usable image.</exception>
    public async Task<string> SaveUploadAsync(UploadedImage upload)
    {
        await access.RequireAsync(DashboardRole.Editor, "save uploads");
        var owner = await access.RequesterAsync();
        if (access.Shared)
        {
            long used = await store.ReadAsync(s => s.Uploads.Bytes(owner));
            if (used + upload.Bytes.LongLength > QuotaBytes)
                throw new AccessDeniedException($"Your saved uploads would pass your quota of {access.Options.UploadQuotaMegabytes} MB " +
                                                $"({used / (1024 * 1024)} MB used). Delete some on the Uploads page.", signedIn: true);
        }
        string id;
        using (await heavy.AcquireAsync(HeavyKind.Upload, owner))
        {
            await Files.WaitAsync();
            try
            {
                id = await uploads.SaveAsync(upload);
                store.Write(s => s.Uploads.Record(id, owner, upload.Bytes.LongLength, upload.Name));
            }
            finally { Files.Release(); }
        }
        return id;
    }

    /// <summary>The uploads page's data: an editor's own uploads, or (admin) everyone's.</summary>
    /// <exception cref="AccessDeniedException">not an editor.</exception>
    public async Task<UploadsView> ListAsync()
    {
        await access.RequireAsync(DashboardRole.Editor, "keep uploads");
        var requester = await access.RequesterAsync();
        var everyone = !access.Shared || await access.HasAsync(DashboardRole.Admin);
        var list = await store.ReadAsync(s => s.Uploads.List(everyone ? null : requester));
        var used = await store.ReadAsync(s => s.Uploads.Bytes(requester));
        return new UploadsView(list, requester, used, access.Shared ? QuotaBytes : null, everyone);
    }

    /// <summary>Deletes an upload held by <paramref name="owner"/> (default: the current user); the file goes when no
    /// one else holds it. False when there is no such upload.</summary>
    /// <exception cref="AccessDeniedException">not an editor, or another user's upload (and not an admin).</exception>
    public async Task<bool> DeleteUploadAsync(string id, string? owner = null)
    {
        await access.RequireAsync(DashboardRole.Editor, "delete uploads");
        owner ??= await access.RequesterAsync();
        if (!await access.CanDeleteUploadAsync(owner))
            throw new AccessDeniedException("You may delete only your own uploads.", signedIn: true);
        await Files.WaitAsync();
        try
        {
            var (removed, stillHeld) = store.Write(s => s.Uploads.Remove(id, owner));
            // SavedFile accepts only 16 hex digits and a file inside the uploads folder, links resolved.
            if (removed && !stillHeld && uploads.SavedFile(id) is { } file) File.Delete(file);
            return removed;
        }
        finally { Files.Release(); }
    }
}
