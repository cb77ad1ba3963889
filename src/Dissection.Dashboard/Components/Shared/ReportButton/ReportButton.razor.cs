// Starts, follows and cancels the run's report job (ReportJobs); polls its status while it runs.
using System.Globalization;
using Dissection.Core.Storage;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class ReportButton : IDisposable
{
    [Parameter, EditorRequired] public RunInfo Run { get; set; } = default!;
    [Inject] private ReportJobs Reports { get; set; } = default!;
    [Inject] private Security.DashboardAccess Access { get; set; } = default!;

    private ReportStatus _status = new(0, ReportState.None, 0, 0, null, 0);
    private Timer? _timer;

    private string Megabytes => (_status.Bytes / 1e6).ToString(_status.Bytes < 10_000_000 ? "0.0" : "0", CultureInfo.InvariantCulture) + " MB";

    protected override void OnParametersSet()
    {
        _status = Reports.Status(Run);
        Follow();
    }

    // Writing a report is a job: the editor role, checked here on the server (a published run's visitor sees the button).
    private async Task Start()
    {
        try
        {
            await Access.RequireAsync(Dissection.Core.Accounts.DashboardRole.Editor, "write reports");
            _status = Reports.Start(Run);
        }
        catch (ArgumentException e) { _status = _status with { Message = e.Message }; }
        catch (Security.AccessDeniedException e) { _status = _status with { Message = e.Message }; }
        Follow();
    }

    private async Task Cancel()
    {
        try
        {
            await Access.RequireAsync(Dissection.Core.Accounts.DashboardRole.Editor, "cancel reports");
            Reports.Cancel(Run.Id);
        }
        catch (Security.AccessDeniedException e) { _status = _status with { Message = e.Message }; }
        Poll();
    }

    private void Follow()
    {
        if (_status.Active && _timer is null)
            _timer = new Timer(_ => _ = InvokeAsync(() => { Poll(); StateHasChanged(); }), null, 250, 250);
    }

    private void Poll()
    {
        _status = Reports.Status(Run);
        if (!_status.Active)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    public void Dispose() => _timer?.Dispose();
}
