// Deleting a run, checked on the server whoever asks (the run page's button or DELETE /api/runs/{id}): an admin deletes
// any run, an editor only the runs they started, a viewer none; Local mode's one user deletes any (after the page's
// confirmation). The store removes every row kept for the run in one transaction (RunStore.DeleteRun, which refuses
// while a job of the run waits or runs), with the short links that show it; then the files made for the run go: its
// HTML report, and a generator run's samples folder when no other run uses it, each only inside the allowed folders.
using Dissection.Core.Accounts;
using Dissection.Core.Datasets;
using Dissection.Core.Storage;
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Security;

public sealed class GuardedRunDeletion(DashboardAccess access, StoreAccess store, RepoPaths paths, PathPolicy policy, ReportJob reports,
    ILogger<GuardedRunDeletion> log)
{
    /// <summary>Deletes the run and what was made for it. False when there is no such run (or none the user may see).</summary>
    /// <exception cref="AccessDeniedException">not an editor, or another user's run (and not an admin).</exception>
    /// <exception cref="RunInUseException">a job of the run waits or runs.</exception>
    public async Task<bool> DeleteRunAsync(long runId)
    {
        await access.RequireAsync(DashboardRole.Editor, "delete runs");
        if (!await access.CanSeeRunAsync(runId) || await store.ReadAsync(s => s.Runs.GetRun(runId)) is not { } run) return false;
        if (!await access.CanDeleteRunAsync(runId))
            throw new AccessDeniedException("You may delete only the runs you started.", signedIn: true);
        var files = FilesOf(run);
        var by = await access.UserAsync() is { } user ? user.Name : AccessRules.LocalOwner.Name;
        if (!await Task.Run(() => store.Write(s => s.Runs.DeleteRun(runId, by, target => Links.Shows(target, runId))))) return false;
        foreach (var path in files) Remove(path);
        log.LogInformation("Run {Run} ({Name}) deleted by {User}", runId, run.Name, by);
        return true;
    }

    /// <summary>The files made for the run alone: its report, and its generator samples unless another run uses them.</summary>
    private List<string> FilesOf(RunInfo run)
    {
        var files = new List<string> { reports.File(run) };
        if (store.Read(s => s.Gan.GetGanRun(run.Id)) is { } samples)
        {
            var folder = paths.Resolve(samples.Folder);
            var shared = store.Read(s => s.Gan.GetGanRuns())
                .Any(g => g.RunId != run.Id && paths.Resolve(g.Samples.Folder) == folder);
            if (!shared) files.Add(folder);
        }
        return files;
    }

    /// <summary>Deletes a file or folder that is strictly inside an allowed data folder or the cache (links resolved),
    /// and is not itself a link; anything else is left alone.</summary>
    private void Remove(string path)
    {
        try
        {
            var info = Directory.Exists(path) ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path);
            if (!info.Exists || info.LinkTarget is not null) return;
            var roots = paths.DataFolders.Append(paths.CacheFolder).ToList();
            if (!policy.IsInside(path, roots) || roots.Any(r => PathContainment.RealPath(r) == PathContainment.RealPath(path))) return;
            if (info is DirectoryInfo dir) dir.Delete(recursive: true);
            else info.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning("A file of a deleted run could not be removed: {Problem}", policy.Scrub(e.Message));
        }
    }
}
