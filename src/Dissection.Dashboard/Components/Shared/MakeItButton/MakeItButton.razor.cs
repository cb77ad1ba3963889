// The "make it" button's bookkeeping: finds a pending job for the same run and layer (so a reload shows progress, not
// a second button), opens the start dialog pre-filled, polls the job once a second and tells the page when it is done.
using Dissection.Core.Jobs;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class MakeItButton
{
    [Inject] private JobQueue Jobs { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private Security.DashboardAccess Access { get; set; } = default!;

    [Parameter, EditorRequired] public JobKind Kind { get; set; }
    [Parameter, EditorRequired] public string Label { get; set; } = "";
    /// <summary>What is missing, in the page's words.</summary>
    [Parameter] public string? Message { get; set; }
    [Parameter] public long? RunId { get; set; }
    [Parameter] public string? Layer { get; set; }
    [Parameter] public string? Concept { get; set; }
    [Parameter] public string? Target { get; set; }
    /// <summary>A generator checkpoint (relative to the root) for a generator dissection.</summary>
    [Parameter] public string? Model { get; set; }
    /// <summary>Called once the job is done: the page reloads what it lacked.</summary>
    [Parameter] public EventCallback OnDone { get; set; }

    private JobRecord? _job;
    /// <summary>Shared mode: only editors see the button (the server checks again when the job is started).</summary>
    private bool _canStart;
    private Timer? _timer;
    private int _polling;

    protected override async Task OnParametersSetAsync()
    {
        _canStart = await Access.HasAsync(Core.Accounts.DashboardRole.Editor);
        if (RunId is { } run && _job is null)
        {
            _job = await Task.Run(() => Jobs.PendingJob(Kind, run, Layer));
            if (_job is not null) StartPolling();
        }
    }

    private async Task Open()
    {
        var parameters = new DialogParameters<StartJobDialog>
        {
            { d => d.Kind, Kind }, { d => d.RunId, RunId }, { d => d.Layer, Layer }, { d => d.Concept, Concept }, { d => d.Target, Target }, { d => d.Model, Model },
        };
        var dialog = await Dialogs.ShowAsync<StartJobDialog>(Label, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, CloseOnEscapeKey = true });
        if (await dialog.Result is { Canceled: false, Data: long id })
        {
            _job = await Task.Run(() => Jobs.Executor.Get(id));
            StartPolling();
        }
    }

    private void StartPolling()
    {
        _timer?.Dispose();
        _timer = new Timer(_ => _ = InvokeAsync(Poll), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    private async Task Poll()
    {
        if (_job is null || Interlocked.Exchange(ref _polling, 1) == 1) return;
        try
        {
            _job = await Task.Run(() => Jobs.Executor.Get(_job.Id));
            if (_job?.State is JobState.Done or JobState.Failed or JobState.Cancelled or null) _timer?.Dispose();
            StateHasChanged();
            if (_job?.State == JobState.Done) await OnDone.InvokeAsync();
        }
        catch (Exception) { /* a busy store: the next tick tries again */ }
        finally { _polling = 0; }
    }

    public void Dispose() => _timer?.Dispose();
}
