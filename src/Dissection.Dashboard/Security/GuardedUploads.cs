// Saving an upload, checked on the server: an editor may save, within the per-user upload quota (Shared mode); the
// saved file's size is recorded with its owner in the store. Used by /try's "Save" and by POST /api/uploads.
using Dissection.Core.Accounts;
using Dissection.Core.Datasets;
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Security;

public sealed class GuardedUploads(DashboardAccess access, StoreAccess store, TryImageService uploads, HeavyWork heavy)
{
    /// <summary>Saves an upload under data/uploads/ for the current user; returns its id.</summary>
    /// <exception cref="AccessDeniedException">not an editor, or over the upload quota.</exception>
    /// <exception cref="BadImageException">not a usable image.</exception>
    public async Task<string> SaveUploadAsync(UploadedImage upload)
    {
        await access.RequireAsync(DashboardRole.Editor, "save uploads");
        var owner = await access.RequesterAsync();
        if (access.Shared)
        {
            long used = await store.ReadAsync(s => s.Uploads.Bytes(owner)), quota = access.Options.UploadQuotaMegabytes * 1024L * 1024;
            if (used + upload.Bytes.LongLength > quota)
                throw new AccessDeniedException($"Your saved uploads would pass your quota of {access.Options.UploadQuotaMegabytes} MB " +
                                                $"({used / (1024 * 1024)} MB used).", signedIn: true);
        }
        string id;
        using (await heavy.AcquireAsync(HeavyKind.Upload, owner)) id = await uploads.SaveAsync(upload);
        store.Write(s => s.Uploads.Record(id, owner, upload.Bytes.LongLength, upload.Name));
        return id;
    }

}
