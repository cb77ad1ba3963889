// The runs page: every run with its state, the first start's checklist, the "New run" and "Other job" starts, and
// the job queue (every long job: dissections, ablations, GAN experiments, attack batches, labelling) with its
// progress and who queued it; active ones refresh twice a second from the store.
using Dissection.Core.Jobs;
using Dissection.Core.Storage;
using Dissection.Dashboard.Components.Shared;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class Home : IDisposable
{
    [Inject] private ResultsService Results { get; set; } = default!;
    [Inject] private JobQueue Jobs { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private BrowserSession Session { get; set; } = default!;
    // Shared mode: who may start and cancel is decided on the server (GuardedJobs); the buttons only follow it.
    [Inject] private Security.DashboardAccess Access { get; set; } = default!;
    [Inject] private Security.GuardedJobs Guarded { get; set; } = default!;
    private Dissection.Core.Accounts.DashboardUser? _user;
    private string _requester = "";
    private bool _canStart;

    private IReadOnlyList<RunInfo>? _runs;
    private IReadOnlyList<JobRecord> _jobs = [];
    private string? _problem;
    private Timer? _timer;
    private int _refreshing;

    protected override async Task OnInitializedAsync()
    {
        _user = await Access.UserAsync();
        _requester = await Access.RequesterAsync();
        _canStart = await Access.HasAsync(Dissection.Core.Accounts.DashboardRole.Editor);
        await Refresh();
        // Polling the store is simple and survives reloads and restarts; it only costs while the page is open.
        _timer = new Timer(_ => _ = InvokeAsync(PollAsync), null, 500, 500);
    }

    private async Task PollAsync()
    {
        if (_runs is null || (_runs.All(r => r.Status is not (RunStatus.Queued or RunStatus.Running))
                              && _jobs.All(j => j.State is not (JobState.Queued or JobState.Running)))) return;
        await Refresh();
        StateHasChanged();
    }

    private async Task Refresh()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            _runs = (await Results.ListRunsAsync()).OrderByDescending(r => r.CreatedUtc).ThenByDescending(r => r.Id).ToList();
            _jobs = await Task.Run(() => Jobs.Executor.List(50));
            _problem = null;
        }
        catch (Exception e)
        {
            _runs ??= [];
            _problem = "Cannot read the results database: " + JobQueue.Describe(e);
        }
        finally { _refreshing = 0; }
    }

    private async Task NewRun()
    {
        var dialog = await Dialogs.ShowAsync<NewRunDialog>("New run",
            new DialogOptions { MaxWidth = MaxWidth.Medium, CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is { Canceled: false, Data: long id })
        {
            Snackbar.Add($"Run #{id} queued.", Severity.Info);
            await Refresh();
        }
    }

    /// <summary>Every job kind the home page can start besides a classifier dissection (the New-run dialog).</summary>
    private static readonly (JobKind Kind, string Label)[] OtherJobKinds =
    [
        (JobKind.Ablate, "Ablate a layer of a run"),
        (JobKind.DissectGenerator, "Dissect a generator"),
        (JobKind.GanCausal, "GAN removal and context experiments"),
        (JobKind.Attack, "Attack batch"),
        (JobKind.Label, "Label an image folder with a segmenter"),
    ];

    private async Task NewJob(JobKind kind)
    {
        var dialog = await Dialogs.ShowAsync<StartJobDialog>(OtherJobKinds.First(k => k.Kind == kind).Label,
            new DialogParameters<StartJobDialog> { { d => d.Kind, kind } },
            new DialogOptions { MaxWidth = MaxWidth.Small, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: long id })
        {
            Snackbar.Add($"Job #{id} queued.", Severity.Info);
            await Refresh();
        }
    }

    private async Task Cancel(RunInfo run)
    {
        try
        {
            var ok = await Guarded.CancelRunAsync(run.Id);
            Snackbar.Add(ok ? $"Cancelling run #{run.Id}." : $"Run #{run.Id} has already ended.", ok ? Severity.Warning : Severity.Info);
        }
        catch (Security.AccessDeniedException e) { Snackbar.Add(e.Message, Severity.Error); }
        await Refresh();
    }

    private async Task CancelJob(JobRecord job)
    {
        try
        {
            var ok = await Guarded.CancelJobAsync(job.Id);
            Snackbar.Add(ok ? $"Cancelling job #{job.Id}." : $"Job #{job.Id} has already ended.", ok ? Severity.Warning : Severity.Info);
        }
        catch (Security.AccessDeniedException e) { Snackbar.Add(e.Message, Severity.Error); }
        await Refresh();
    }

    /// <summary>Whether this user's cancel (or resume) button shows: Local mode always; Shared mode an admin, or the
    /// editor who queued the job.</summary>
    private bool MayCancel(string? requestedBy) =>
        !Access.Shared || Security.AccessRules.CanCancel(_user, _requester, requestedBy);

    private bool MayCancelRun(RunInfo run) => MayCancel(_jobs.FirstOrDefault(j => j.RunId == run.Id)?.RequestedBy);

    private string OwnerText(string? requestedBy) => requestedBy == _requester ? "you" : Session.Owner(requestedBy);

    private async Task ResumeJob(JobRecord job)
    {
        if (!MayCancel(job.RequestedBy)) { Snackbar.Add("You may resume only the jobs you started.", Severity.Error); return; }
        var ok = await Task.Run(() => Jobs.Executor.Requeue(job.Id));
        Snackbar.Add(ok ? $"Job #{job.Id} queued again; it keeps what it had saved." : $"Job #{job.Id} cannot be resumed.", ok ? Severity.Info : Severity.Warning);
        await Refresh();
    }

    /// <summary>"pass 1: model · 120/400 · about 35 s left".</summary>
    public void Dispose() => _timer?.Dispose();
}
