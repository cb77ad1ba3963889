// The /try page: "your own image". Its state (run, layer, and a sample photo, dataset image or saved upload) lives in
// the URL (read and written by TryLink), so a pasted link re-creates the same view; a fresh upload lives only in this
// circuit until it is saved.
// The model runs only once the circuit is interactive, not during prerendering, so a link runs the model once.
using Dissection.Core.Datasets;
using Dissection.Core.Storage;
using Dissection.Dashboard.Security;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class TryPage : IDisposable
{
    // Numbers arrive as text (QueryNumbers): a bad one is named in a notice instead of blanking the page.
    [SupplyParameterFromQuery(Name = "run")] public string? RunText { get; set; }
    [SupplyParameterFromQuery(Name = "layer")] public string? Layer { get; set; }
    [SupplyParameterFromQuery(Name = "sample")] public string? Sample { get; set; }
    [SupplyParameterFromQuery(Name = "image")] public string? ImageText { get; set; }
    [SupplyParameterFromQuery(Name = "upload")] public string? Saved { get; set; }
    /// <summary>The URL's state, read by TryLink (the one reader and builder of /try links).</summary>
    private (TryState State, string? Notice) Query => TryLink.Read(RunText, Layer, Sample, ImageText, Saved);
    private long? RunId => Query.State.Run;
    private int? Image => Query.State.Image;
    private string? QueryNotice => Query.Notice;

    [Inject] private TryImageService Try { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private DashboardAccess Access { get; set; } = default!;
    [Inject] private GuardedUploads Uploads { get; set; } = default!;
    [Inject] private HeavyWork Heavy { get; set; } = default!;

    private IReadOnlyList<RunInfo> _runs = [];
    private RunInfo? _run;
    private IReadOnlyList<string> _layers = [];
    private IReadOnlyList<string> _samples = [];
    private string? _layer;
    private UploadedImage? _upload;
    private TryView? _view;
    private string? _viewKey;
    private string? _message;
    private bool _busy;
    private CancellationTokenSource? _cancel;

    private TryImageSource? Source =>
        Sample is not null ? new TryImageSource(Sample: Sample)
        : Image is not null ? new TryImageSource(DatasetIndex: Image)
        : Saved is not null ? new TryImageSource(Saved: Saved)
        : _upload is not null ? new TryImageSource(Upload: _upload) : null;

    /// <summary>True when the view can be re-created from the URL alone.</summary>
    private bool Linkable => Sample is not null || Image is not null || Saved is not null;

    protected override async Task OnParametersSetAsync()
    {
        _message = null;
        if (Sample is not null || Image is not null || Saved is not null) _upload = null;
        _samples = Try.Samples();
        _runs = await Try.RunsAsync();
        _run = RunId is { } id ? _runs.FirstOrDefault(r => r.Id == id) : TryImageService.DefaultRun(_runs);
        if (_run is null)
        {
            _message = RunId is { } missing ? $"There is no finished run #{missing} in this results database."
                : "There is no finished run yet: start one on the Runs page (the demo run appears there on first start).";
            _view = null;
            return;
        }
        _layers = await Try.LayersAsync(_run);
        _layer = Layer ?? _layers.LastOrDefault();
        if (_layer is null) { _message = $"Run #{_run.Id} has no saved layer yet."; _view = null; return; }
        if (!_layers.Contains(_layer))
        {
            _message = $"Run #{_run.Id} has no results for layer '{_layer}'; its layers are {string.Join(", ", _layers)}.";
            _view = null;
            return;
        }
        if (RendererInfo.IsInteractive) await Analyse();
    }

    /// <summary>Runs the model when the run, layer or image changed since the view on screen.</summary>
    private async Task Analyse(bool force = false)
    {
        if (_run is null || _layer is null || Source is not { } source) { _view = null; _viewKey = null; return; }
        var key = $"{_run.Id}|{_run.CreatedUtc.Ticks}|{_layer}|{source.Label}|{_upload?.GetHashCode()}";
        if (!force && key == _viewKey) return;
        _cancel?.Cancel();
        var cancel = _cancel = new CancellationTokenSource();
        _busy = true;
        _viewKey = key;
        try
        {
            // One model run per lease: a per-user budget and a cap on heavy work at once (Shared mode).
            using var lease = await Heavy.AcquireAsync(HeavyKind.Probe, await Access.RequesterAsync(), cancel.Token);
            var view = await Try.AnalyseAsync(_run, _layer, source, cancel.Token);
            if (cancel.IsCancellationRequested) return;
            _view = view;
            if (view.DomainPending)
            {
                // Show the view now, not busy; the dataset's domain (measured once per run and layer) follows.
                _busy = false;
                StateHasChanged();
                var verdict = await Try.CheckDomainAsync(_run, _layer, source, cancel.Token);
                if (!cancel.IsCancellationRequested && ReferenceEquals(_view, view)) _view = view with { Domain = verdict, DomainPending = false };
            }
        }
        catch (OperationCanceledException) { }
        catch (BadImageException e) { Fail(BrowserImageUpload.Describe(e)); }
        catch (AccessDeniedException e) { Fail(e.Message); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            Fail(e.Message);
        }
        finally
        {
            if (ReferenceEquals(_cancel, cancel)) { _busy = false; _cancel = null; }
            cancel.Dispose();
        }

        void Fail(string message)
        {
            _message = message;
            _view = null;
            _viewKey = null;
        }
    }

    private async Task OnUpload(InputFileChangeEventArgs e)
    {
        _message = null;
        try
        {
            // A viewer tries the samples and the dataset's images; their own images need the editor role.
            await Access.RequireAsync(Dissection.Core.Accounts.DashboardRole.Editor, "use your own images");
            _upload = await BrowserImageUpload.ReadAsync(e.File);
        }
        catch (BadImageException ex) { _message = BrowserImageUpload.Describe(ex); return; }
        catch (AccessDeniedException ex) { _message = ex.Message; return; }
        // The upload replaces a linked image: the URL keeps only run and layer, and the view is computed here (navigating
        // to an unchanged URL would not set the parameters again).
        if (Linkable) Go(sample: "", image: "", upload: "");
        else await Analyse(force: true);
    }

    private async Task SaveUpload()
    {
        if (_upload is null) return;
        try
        {
            var id = await Uploads.SaveUploadAsync(_upload);
            Go(upload: id, sample: "", image: "");
        }
        catch (AccessDeniedException ex) { _message = ex.Message; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _message = $"The upload could not be saved: {ex.Message}";
        }
    }

    private void OnRun(long run) => Nav.NavigateTo(TryLink.Build(new TryState(run, null, Sample, Image, Saved)));

    private void OnSample(string? sample) => Go(sample: sample ?? "", image: "", upload: "", dropUpload: true);
    private void OnImage(int? index) => Go(image: index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", sample: "", upload: "", dropUpload: true);

    /// <summary>Writes changed controls into the URL ("" removes a key, null keeps it); the page re-reads its state there.</summary>
    private void Go(string? layer = null, string? sample = null, string? image = null, string? upload = null, bool dropUpload = false)
    {
        if (dropUpload) _upload = null;
        static string? Pick(string? changed, string? current) => changed is null ? current : changed.Length == 0 ? null : changed;
        var index = Pick(image, Image?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Nav.NavigateTo(TryLink.Build(new TryState(_run?.Id ?? RunId, Pick(layer, _layer), Pick(sample, Sample), QueryNumbers.Int(index), Pick(upload, Saved))));
    }

    private static string Percent(double p) => p.ToString("P0", System.Globalization.CultureInfo.InvariantCulture);
    private static string Number(double v, string format) => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _cancel?.Cancel();
}
