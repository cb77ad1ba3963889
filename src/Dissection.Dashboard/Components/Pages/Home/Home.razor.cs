// The runs page: every run with its state; running ones refresh twice a second from the store.
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

    private IReadOnlyList<RunInfo>? _runs;
    private string? _problem;
    private Timer? _timer;
    private int _refreshing;

    protected override async Task OnInitializedAsync()
    {
        await Refresh();
        // Polling the store is simple and survives reloads and restarts; it only costs while the page is open.
        _timer = new Timer(_ => _ = InvokeAsync(PollAsync), null, 500, 500);
    }

    private async Task PollAsync()
    {
        if (_runs is null || _runs.All(r => r.Status is not (RunStatus.Queued or RunStatus.Running))) return;
        await Refresh();
        StateHasChanged();
    }

    private async Task Refresh()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1) return;
        try
        {
            _runs = (await Results.ListRunsAsync()).OrderByDescending(r => r.CreatedUtc).ThenByDescending(r => r.Id).ToList();
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

    private async Task Cancel(RunInfo run)
    {
        var ok = await Task.Run(() => Jobs.Cancel(run.Id));
        Snackbar.Add(ok ? $"Cancelling run #{run.Id}." : $"Run #{run.Id} has already ended.", ok ? Severity.Warning : Severity.Info);
        await Refresh();
    }

    public void Dispose() => _timer?.Dispose();
}
