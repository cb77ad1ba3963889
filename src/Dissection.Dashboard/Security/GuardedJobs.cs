// The state-changing operations, each checked on the server before it runs, whoever calls (a page's button or the
// HTTP API): starting a run (editor, within the per-user queue cap), cancelling (an admin any job, an editor their own),
// publishing a run (its owner or an admin). Saving uploads: GuardedUploads.
using Dissection.Core.Accounts;
using Dissection.Core.Jobs;
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Security;

public sealed class GuardedJobs(DashboardAccess access, JobQueue jobs, StoreAccess store)
{
    /// <summary>Queues a dissection as the current user. Returns the run id.</summary>
    /// <exception cref="AccessDeniedException">not an editor, or too many jobs queued already.</exception>
    public async Task<long> StartRunAsync(NewRunRequest request)
    {
        var requester = await RequireStartAsync("start runs");
        var id = await Task.Run(() => jobs.Enqueue(request, requester));
        if (access.Shared && await access.UserAsync() is { } user) store.Write(s => s.SetRunOwner(id, user.Name));
        return id;
    }

    /// <summary>Queues a job of another kind (ablation, generator dissection, GAN experiments, attack batch, labelling)
    /// as the current user. Returns the job id.</summary>
    /// <exception cref="AccessDeniedException">not an editor, or too many jobs queued already.</exception>
    public async Task<long> StartJobAsync(object parameters)
    {
        var requester = await RequireStartAsync("start jobs");
        return await Task.Run(() => jobs.Start(parameters, requester));
    }

    /// <summary>An editor under the per-user cap on queued jobs; returns who asks, as jobs record it.</summary>
    private async Task<string> RequireStartAsync(string what)
    {
        await access.RequireAsync(DashboardRole.Editor, what);
        var requester = await access.RequesterAsync();
        if (access.Shared)
        {
            var open = (await Task.Run(() => jobs.Executor.List(1000)))
                .Count(j => j.RequestedBy == requester && j.State is JobState.Queued or JobState.Running);
            if (open >= access.Options.MaxQueuedJobsPerUser)
                throw new AccessDeniedException($"You already have {open} jobs queued or running (the limit is " +
                                                $"{access.Options.MaxQueuedJobsPerUser}); wait for one to finish.", signedIn: true);
        }
        return requester;
    }

    /// <summary>Cancels the job of a run. False when it had already ended.</summary>
    /// <exception cref="AccessDeniedException">not the user's job (and not an admin).</exception>
    public async Task<bool> CancelRunAsync(long runId)
    {
        var job = await store.ReadAsync(s => s.Jobs.JobOfRun(runId));
        if (job is null) return false;
        return await CancelAsync(job);
    }

    public async Task<bool> CancelJobAsync(long jobId)
    {
        var job = await Task.Run(() => jobs.Executor.List(1000).FirstOrDefault(j => j.Id == jobId));
        if (job is null) return false;
        return await CancelAsync(job);
    }

    private async Task<bool> CancelAsync(JobRecord job)
    {
        await access.RequireAsync(DashboardRole.Editor, "cancel jobs");
        if (!await access.CanCancelAsync(job.RequestedBy))
            throw new AccessDeniedException("You may cancel only the jobs you started.", signedIn: true);
        return await Task.Run(() => jobs.Executor.Cancel(job.Id));
    }

    /// <exception cref="AccessDeniedException">not the run's owner or an admin.</exception>
    public async Task PublishAsync(long runId, bool published)
    {
        if (!await access.CanPublishAsync(runId))
            throw new AccessDeniedException("Only the run's owner or an admin may publish it.", signedIn: await access.UserAsync() is not null);
        store.Write(s => s.SetRunPublished(runId, published));
    }
}
