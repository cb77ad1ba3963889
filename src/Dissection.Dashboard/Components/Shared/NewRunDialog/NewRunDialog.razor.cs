// The "New run" dialog: lists what the catalog offers, lists the chosen model's layers in the background,
// validates through the job queue and closes with the new run's id.
using Dissection.Core.Dissection;
using Dissection.Core.Instrumentation;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class NewRunDialog
{
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private ModelCatalog Catalog { get; set; } = default!;
    [Inject] private RepoPaths Paths { get; set; } = default!;
    [Inject] private PathPolicy Policy { get; set; } = default!;
    [Inject] private Security.GuardedJobs Guarded { get; set; } = default!;

    private IReadOnlyList<string> _architectures = [];
    private string? _archProblem;
    private IReadOnlyList<string> _checkpoints = [];
    private IReadOnlyList<string> _datasets = [];
    private string _name = "";
    private string? _arch;
    private string? _checkpoint;
    private string? _dataset;
    private IReadOnlyList<LayerInfo> _layers = [];
    private readonly HashSet<string> _selected = [];
    private bool _layersLoading;
    private string? _layersProblem;
    private double _quantile = 0.01, _iou = 0.04;
    private int _topK = 12;
    private int? _limit;
    private string? _error;
    private int _layerRequest;

    private IEnumerable<string> ModelFolders => Paths.ModelFolders.Select(Policy.Display);
    private IEnumerable<string> DataFolders => Paths.DataFolders.Select(Policy.Display);
    private bool CanSubmit => _arch is not null && !string.IsNullOrWhiteSpace(_dataset) && _selected.Count > 0;

    protected override async Task OnInitializedAsync()
    {
        (_architectures, _archProblem) = await Task.Run(Catalog.Architectures);
        _checkpoints = await Task.Run(Catalog.Checkpoints);
        _datasets = await Task.Run(Catalog.Datasets);
        _dataset = _datasets.FirstOrDefault();
    }

    private Task<IEnumerable<string>> SearchCheckpoints(string? text, CancellationToken _) => Task.FromResult(Match(_checkpoints, text));
    private Task<IEnumerable<string>> SearchDatasets(string? text, CancellationToken _) => Task.FromResult(Match(_datasets, text));

    private static IEnumerable<string> Match(IReadOnlyList<string> items, string? text) =>
        string.IsNullOrWhiteSpace(text) ? items : items.Where(i => i.Contains(text, StringComparison.OrdinalIgnoreCase));

    private async Task OnArchChanged(string? arch)
    {
        _arch = arch;
        await ListLayers();
    }

    private async Task OnCheckpointChanged(string? checkpoint)
    {
        _checkpoint = string.IsNullOrWhiteSpace(checkpoint) ? null : checkpoint;
        await ListLayers();
    }

    private async Task ListLayers()
    {
        if (_arch is null) return;
        var request = ++_layerRequest;
        _layersLoading = true;
        _layersProblem = null;
        _layers = [];
        _selected.Clear();
        StateHasChanged();
        try
        {
            var layers = await Catalog.ListLayersAsync(_arch, _checkpoint);
            if (request != _layerRequest) return; // the user picked something else meanwhile
            _layers = layers;
            if (DefaultLayer(layers) is { } layer) _selected.Add(layer);
        }
        catch (Exception e)
        {
            if (request == _layerRequest) _layersProblem = JobQueue.Describe(e);
        }
        finally
        {
            if (request == _layerRequest) _layersLoading = false;
        }
    }

    /// <summary>The last convolution with a spatial map (where the paper finds object detectors); otherwise the last
    /// spatial layer that is not a pooling or container module.</summary>
    internal static string? DefaultLayer(IReadOnlyList<LayerInfo> layers)
    {
        static bool Spatial(LayerInfo l) => l.OutputShape.Length == 3 && l.OutputShape[1] > 1 && l.OutputShape[2] > 1;
        return (layers.LastOrDefault(l => Spatial(l) && l.ModuleType.Contains("Conv", StringComparison.OrdinalIgnoreCase))
                ?? layers.LastOrDefault(l => Spatial(l) && !l.ModuleType.Contains("Pool", StringComparison.OrdinalIgnoreCase)
                                             && l.ModuleType is not ("Sequential" or "ModuleList")))?.Name;
    }

    private void Toggle(string layer, bool on)
    {
        if (on) _selected.Add(layer); else _selected.Remove(layer);
    }

    private async Task Submit()
    {
        _error = null;
        try
        {
            // Keep the model's own layer order, not the click order.
            var layers = _layers.Select(l => l.Name).Where(_selected.Contains).ToList();
            var settings = new DissectionSettings { Quantile = _quantile, IouThreshold = _iou, TopK = _topK, Limit = _limit };
            // GuardedJobs checks the role and the queue cap on the server, then queues as this tab or account.
            var id = await Guarded.StartRunAsync(new NewRunRequest(_name, _arch!, _checkpoint, _dataset!, layers, settings));
            Dialog.Close(DialogResult.Ok(id));
        }
        catch (Security.AccessDeniedException e) { _error = e.Message; }
        catch (Exception e) when (e is ArgumentException or PathNotAllowedException or InvalidOperationException or IOException or NotImplementedException)
        {
            _error = JobQueue.Describe(e);
        }
    }

    private void Cancel() => Dialog.Cancel();
}
