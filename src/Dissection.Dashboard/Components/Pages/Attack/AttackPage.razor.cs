// The /attack page. Its whole state (run, layer, dataset image, target, norm, ε, steps, seed, random start) lives in
// the URL (read and written by AttackLink), so a pasted link re-creates the same attack; uploaded images cannot be linked and say so.
// One image is attacked here, in the circuit; a batch experiment is an Attack job of the queue (its make-it button).
using Dissection.Core.Attacks;
using Dissection.Core.Dissection;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Dissection.Core.Statistics;
using Dissection.Core.Work;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class AttackPage : IDisposable
{
    // Numbers arrive as text (QueryNumbers): a bad one is named in a notice instead of blanking the page.
    [SupplyParameterFromQuery(Name = "run")] public string? RunText { get; set; }
    [SupplyParameterFromQuery(Name = "layer")] public string? Layer { get; set; }
    [SupplyParameterFromQuery(Name = "image")] public string? ImageText { get; set; }
    [SupplyParameterFromQuery(Name = "target")] public string? Target { get; set; }
    [SupplyParameterFromQuery(Name = "norm")] public string? Norm { get; set; }
    [SupplyParameterFromQuery(Name = "eps")] public string? Eps { get; set; }
    [SupplyParameterFromQuery(Name = "steps")] public string? StepsText { get; set; }
    [SupplyParameterFromQuery(Name = "seed")] public string? SeedText { get; set; }
    [SupplyParameterFromQuery(Name = "rs")] public string? RandomStart { get; set; }
    /// <summary>The URL's state, read by AttackLink (the one reader and builder of /attack links).</summary>
    private (AttackState State, string? Notice) Query => AttackLink.Read(RunText, Layer, Target, Norm, Eps, StepsText, SeedText, ImageText, RandomStart);
    private long? RunId => Query.State.Run;
    private int? Image => Query.State.Image;
    private int? Steps => Query.State.Steps;
    private long? Seed => Query.State.Seed;
    private string? QueryNotice => Query.Notice;

    [Inject] private AttackService Attacks { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private Security.DashboardAccess Access { get; set; } = default!;
    [Inject] private Security.HeavyWork Heavy { get; set; } = default!;

    private AttackSetup? _setup;
    private AttackView? _view;
    private string? _message;
    private bool _busy;
    private double _progress;
    private string _progressText = "";
    private byte[]? _upload;
    private string _uploadName = "";
    private CancellationTokenSource? _cancel;
    private IReadOnlyList<AttackExperimentResult> _experiments = [];
    /// <summary>What ablation the page lacks, and the layer to offer (the "make it" button).</summary>
    private (string Message, string? Layer)? _needsAblation;
    private Figure? _prob, _shift, _exp;

    private string NormText => Norm is "l2" ? "l2" : "linf";
    private string EpsText => Eps ?? (NormText == "l2" ? "0.5" : "4/255");
    private int StepsValue => Steps ?? 20;
    private long SeedValue => Seed ?? 0;
    private bool RandomStartValue => RandomStart is "1" or "true";
    private bool CanAttack => _setup is { Problem: null } && Layer is not null && Target is not null && (Image is not null || _upload is not null);
    private bool CanExperiment => _setup is { Problem: null } && Layer is not null && Target is not null;

    protected override async Task OnParametersSetAsync()
    {
        _message = null;
        if (RunId is not { } run) { _message = "Choose a run (its model is attacked)."; return; }
        if (_setup?.Run.Id != run)
        {
            _setup = await Attacks.SetupAsync(run, CancellationToken.None);
            _view = null;
        }
        if (_setup is null) { _message = $"There is no run #{run} in this results database."; return; }
        if (_setup.Problem is { } p) { _message = p; return; }
        _needsAblation = null;
        if (_setup.AblatedLayers.Count == 0)
            _needsAblation = ($"Run #{run} has no ablated layer yet: attacks compare units by their importance, which ablation measures.",
                Layer ?? _setup.Run.Layers.LastOrDefault());
        else if (Layer is not null && !_setup.AblatedLayers.Contains(Layer))
            _needsAblation = ($"Layer '{Layer}' of run #{run} has no ablation results yet.", Layer);
        if (Target is not null && !_setup.Classes.Contains(Target)) _message = $"The model has no class '{Target}'.";
        _experiments = Layer is null ? [] : (await Attacks.ListExperimentsAsync(run, Layer)).Select(e => e.Result).ToList();
        if (_experiments.Count > 0)
        {
            _exp = AttackCharts.Experiments(_experiments, signed: false);
        }
    }

    /// <summary>After the page's ablation job is done: read the run's ablated layers again.</summary>
    private async Task ReloadSetup()
    {
        _setup = null;
        await OnParametersSetAsync();
    }

    private void OnRandomStart(bool on) => Update(rs: on ? "1" : null);

    private void OnImage(int? index)
    {
        _upload = null;
        Update(image: index?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
    }

    private void OnRunChanged(long? run) => Update(run: run?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");

    /// <summary>Writes a changed control into the URL; the page re-reads its state from there.</summary>
    private void Update(string? layer = null, string? target = null, string? norm = null, string? eps = null, string? steps = null,
        string? seed = null, string? image = null, string? run = null, string? rs = "keep")
    {
        var current = Query.State;
        Nav.NavigateTo(AttackLink.Build(new AttackState(
            Run: run is null ? current.Run : QueryNumbers.Long(run),
            Layer: layer ?? current.Layer,
            Target: target ?? current.Target,
            Norm: norm ?? current.Norm,
            Eps: eps ?? current.Eps,
            Steps: steps is null ? current.Steps : QueryNumbers.Int(steps),
            Seed: seed is null ? current.Seed : QueryNumbers.Long(seed),
            Image: image is null ? current.Image : QueryNumbers.Int(image),
            RandomStart: rs == "keep" ? current.RandomStart : rs)));
    }

    private async Task OnUpload(InputFileChangeEventArgs e)
    {
        _upload = null;
        try
        {
            await Access.RequireAsync(Dissection.Core.Accounts.DashboardRole.Editor, "use your own images");
            var upload = await BrowserImageUpload.ReadAsync(e.File);
            _upload = upload.Bytes;
            _uploadName = upload.Name;
            _message = "Uploaded images cannot be part of a link; the link keeps the other settings.";
        }
        catch (Dissection.Core.Datasets.BadImageException ex) { _message = BrowserImageUpload.Describe(ex); }
        catch (Security.AccessDeniedException ex) { _message = ex.Message; }
    }

    private AttackSettings? Settings()
    {
        try
        {
            var s = new AttackSettings(AttackSettings.ParseAmount(EpsText), StepsValue, null, AttackSettings.ParseNorm(NormText),
                RandomStartValue, SeedValue);
            s.Validate(3L * 256 * 256);
            return s;
        }
        catch (ArgumentException e) { _message = e.Message; return null; }
    }

    private async Task RunAttack()
    {
        if (_setup is null || Layer is null || Target is null || Settings() is not { } settings) return;
        var target = _setup.Classes.ToList().IndexOf(Target);
        var source = _upload is not null ? new AttackImageSource(null, _upload, _uploadName)
            : new AttackImageSource(Image, null, $"image #{Image}");
        await Busy(async cancel =>
        {
            var steps = new Progress<int>(s => { _progress = 100.0 * s / Math.Max(1, settings.Steps); _progressText = $"step {s} of at most {settings.Steps}"; InvokeAsync(StateHasChanged); });
            _view = await Attacks.AttackImageAsync(_setup.Run, Layer, source, target, settings, steps, cancel);
            _prob = AttackCharts.Probabilities(_view.Classes, _view.Outcome);
            _shift = AttackCharts.PeakShifts(_view.Shift, _view.TargetUnits, _view.SourceUnits);
        });
    }

    /// <summary>After a batch experiment job is done: read the layer's experiments again.</summary>
    private async Task ReloadExperiments()
    {
        if (RunId is not { } run || Layer is null) return;
        _experiments = (await Attacks.ListExperimentsAsync(run, Layer)).Select(e => e.Result).ToList();
        _exp = _experiments.Count > 0 ? AttackCharts.Experiments(_experiments, signed: false) : null;
    }

    private async Task Busy(Func<CancellationToken, Task> work)
    {
        _cancel = new CancellationTokenSource();
        _busy = true;
        _progress = 0;
        _progressText = "starting (the first attack loads the model)";
        _message = null;
        try
        {
            // Attacks and experiments are heavy: the editor role, a per-user budget and the cap on heavy work at once.
            await Access.RequireAsync(Dissection.Core.Accounts.DashboardRole.Editor, "run attacks");
            using var lease = await Heavy.AcquireAsync(Security.HeavyKind.Probe, await Access.RequesterAsync(), _cancel.Token);
            await work(_cancel.Token);
        }
        catch (OperationCanceledException) { _message = "Cancelled."; }
        catch (Security.AccessDeniedException e) { _message = e.Message; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or InvalidDataException)
        {
            _message = e.Message;
        }
        finally
        {
            _busy = false;
            _cancel.Dispose();
            _cancel = null;
        }
    }

    private void Cancel() => _cancel?.Cancel();

    private static string Interval(MeanInterval m) => double.IsFinite(m.Mean)
        ? $"{m.Mean.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} ± {(double.IsFinite(m.High) ? (m.High - m.Mean).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture) : "n/a")}"
        : "n/a";

    public void Dispose() => _cancel?.Cancel();
}
