// The "start a job" dialog behind every "make it" button: one form per job kind, pre-filled for the page's run, layer,
// concept or class, validated by the job queue (the engine's one Validate() per kind names the bad field), closing
// with the queued job's id.
using Dissection.Core.Work;
using Dissection.Core.Ablation;
using Dissection.Core.Dissection;
using Dissection.Core.Jobs;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Models;
using Dissection.Core.Storage;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class StartJobDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private ResultsService Results { get; set; } = default!;
    [Inject] private AblationService Ablations { get; set; } = default!;
    [Inject] private ModelCatalog Catalog { get; set; } = default!;
    [Inject] private Security.GuardedJobs Jobs { get; set; } = default!;
    [Inject] private RepoPaths Paths { get; set; } = default!;
    [Inject] private PathPolicy Policy { get; set; } = default!;

    [Parameter] public JobKind Kind { get; set; }
    [Parameter] public long? RunId { get; set; }
    [Parameter] public string? Layer { get; set; }
    [Parameter] public string? Concept { get; set; }
    [Parameter] public string? Target { get; set; }
    /// <summary>A generator checkpoint (relative to the root) to dissect.</summary>
    [Parameter] public string? Model { get; set; }

    private IReadOnlyList<RunInfo> _runs = [];
    private IReadOnlyList<string> _layers = [];
    private IReadOnlyList<string> _classes = [];
    private IReadOnlyList<string> _checkpoints = [];
    private long _run;
    private string? _layer;
    private string _split = "val", _rankSplit = "", _norm = "linf", _eps = "4/255", _layerList = string.Join(",", WorldDemoBootstrap.GanLayers);
    private int? _limit = 500;
    private string? _target, _concept;
    private int _count = 100, _removalSamples = 100, _contextSamples = 20;
    private long _seed = 1;
    private string? _generator = WorldDemoBootstrap.Generator, _segmenter = WorldDemoBootstrap.Segmenter;
    private string? _images, _output = "data/labelled";
    private bool _skipBad;
    private string? _error;

    private string Heading => Kind switch
    {
        JobKind.Ablate => "Ablate a layer",
        JobKind.Attack => "Attack batch",
        JobKind.GanCausal => "GAN causal experiments",
        JobKind.DissectGenerator => "Dissect a generator",
        JobKind.Label => "Label an image folder",
        _ => Kind.ToString(),
    };

    private IEnumerable<string> DataFolders => Paths.DataFolders.Select(Policy.Display);

    protected override async Task OnInitializedAsync()
    {
        _concept = Concept;
        if (Kind == JobKind.DissectGenerator)
        {
            _count = WorldDemoBootstrap.GanSamples;
            if (Model is not null) _generator = Model;
            if (Layer is not null) _layerList = Layer;
        }
        if (Kind is JobKind.DissectGenerator or JobKind.Label) _checkpoints = await Task.Run(Catalog.Checkpoints);
        if (Kind is not (JobKind.Ablate or JobKind.Attack or JobKind.GanCausal)) return;
        var runs = await Results.ListRunsAsync();
        var generator = Kind == JobKind.GanCausal;
        _runs = runs.Where(r => r.Status == RunStatus.Done && ResultsService.IsGenerator(r) == generator).OrderByDescending(r => r.Id).ToList();
        await OnRunChanged(RunId is { } id && _runs.Any(r => r.Id == id) ? id : _runs.FirstOrDefault()?.Id ?? 0, Layer);
    }

    private async Task OnRunChanged(long run) => await OnRunChanged(run, null);

    private async Task OnRunChanged(long run, string? preferredLayer)
    {
        _run = run;
        _layers = [];
        if (_runs.FirstOrDefault(r => r.Id == run) is not { } info) return;
        // An attack needs an ablated layer, the causal experiments a dissected one; any of the run's layers can be ablated.
        _layers = Kind switch
        {
            JobKind.Attack => (await Ablations.ListAsync(run)).Select(a => a.Layer).ToList(),
            JobKind.GanCausal => await Results.GetLayerNamesAsync(info),
            _ => info.Layers,
        };
        await OnLayerChanged(preferredLayer is not null && _layers.Contains(preferredLayer) ? preferredLayer : _layers.LastOrDefault());
    }

    private async Task OnLayerChanged(string? layer)
    {
        _layer = layer;
        if (Kind != JobKind.Attack || layer is null) return;
        _classes = (await Ablations.GetAsync(_run, layer))?.Classes ?? [];
        _target = Target is not null && _classes.Contains(Target) ? Target : _classes.FirstOrDefault();
    }

    private Task<IEnumerable<string>> SearchCheckpoints(string? text, CancellationToken _) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text) ? _checkpoints : _checkpoints.Where(c => c.Contains(text, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The parameters the form describes; a missing choice names its field.</summary>
    private object Parameters() => Kind switch
    {
        JobKind.Ablate => new AblateParameters(RequireRun(), RequireLayer(), new AblationSettings
        {
            Split = Blank(_split), Limit = _limit, RankSplit = Blank(_rankSplit),
        }),
        JobKind.Attack => new AttackParameters(RequireRun(), RequireLayer(), _target ?? throw new JobParameterException("target", "Choose a target class."),
            Count: _count, Norm: _norm, Epsilon: Blank(_eps)),
        JobKind.GanCausal => new GanCausalParameters(RequireRun(), RequireLayer(), Blank(_concept), RemovalSamples: _removalSamples,
            ContextSamples: _contextSamples),
        JobKind.DissectGenerator => new DissectGeneratorParameters($"{Core.Models.GeneratorSpec.Arch}:{_generator}", $"z:{_seed}:{_count}",
            $"{SegmenterSpec.World}:{_segmenter}", (_layerList ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
            new DissectionSettings(), Samples: Paths.UnderWritableData("gan", Core.Gan.GanSamples.FolderName($"{Core.Models.GeneratorSpec.Arch}:{_generator}", _seed, _count))),
        JobKind.Label => new LabelParameters(_images ?? "", $"{SegmenterSpec.World}:{_segmenter}", _output ?? "", SkipBadImages: _skipBad),
        _ => throw new JobParameterException("kind", $"{Kind} jobs are not started from this form."),
    };

    private long RequireRun() => _run > 0 ? _run : throw new JobParameterException("run", "Choose a run.");
    private string RequireLayer() => _layer ?? throw new JobParameterException("layer", "Choose a layer.");
    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private async Task Submit()
    {
        _error = null;
        try
        {
            var parameters = Parameters();
            var id = await Jobs.StartJobAsync(parameters);
            Dialog.Close(DialogResult.Ok(id));
        }
        catch (JobParameterException e)
        {
            _error = $"{e.Field}: {e.Message}";
        }
        catch (Security.AccessDeniedException e)
        {
            _error = e.Message;
        }
        catch (Exception e) when (e is ArgumentException or PathNotAllowedException or InvalidOperationException or IOException)
        {
            _error = JobQueue.Describe(e);
        }
    }

    private void Cancel() => Dialog.Cancel();
}
