// The GAN paint playground (GANPaint in the dashboard): pick a seed, a layer and units (a concept's top units by IoU
// from the latest stored dissection of the generator, or by hand), then paint or erase on the picture. The canvas
// script (wwwroot/js/ganpaint.js) sends each stroke's painted pixels; they are max-pooled to the layer's cells and
// become one edit. Rendering runs off the render thread through the circuit's GanPlaygroundSession (its own history
// and cached features). Seed, layer and every stroke live in the URL, so a link reproduces the same picture.
using System.Globalization;
using Dissection.Core.Gan;
using Dissection.Core.Models;
using Dissection.Dashboard.Gan;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Dissection.Dashboard.Components.Pages;

public sealed partial class GanPlayground : IAsyncDisposable
{
    [Parameter] public string? Model { get; set; }
    [SupplyParameterFromQuery(Name = "seed")] public string? SeedQuery { get; set; }
    [SupplyParameterFromQuery(Name = "layer")] public string? LayerQuery { get; set; }
    [SupplyParameterFromQuery(Name = "strokes")] public string? StrokesQuery { get; set; }

    [Inject] private GanPlaygroundService Gan { get; set; } = default!;
    [Inject] private GanPlaygroundSession Session { get; set; } = default!;
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private ILogger<GanPlayground> Log { get; set; } = default!;
    [Inject] private PathPolicy Policy { get; set; } = default!;
    // Shared mode: each user's GAN edits come out of a per-minute budget and the cap on heavy work running at once.
    [Inject] private Security.HeavyWork Heavy { get; set; } = default!;
    [Inject] private Security.DashboardAccess Access { get; set; } = default!;

    /// <summary>GANPaint's strengths: units per stroke.</summary>
    internal static readonly int[] Strengths = [4, 10, 15];
    /// <summary>Brush radius as a fraction of the image side.</summary>
    internal static readonly (string Name, double Fraction)[] BrushSizes = [("S", 1 / 32.0), ("M", 1 / 16.0), ("L", 1 / 8.0)];

    private string Name => string.IsNullOrWhiteSpace(Model) ? GanPlaygroundService.DemoModel : Model;

    private GanModel? _model;
    /// <summary>The loaded checkpoint as the user sees it (relative to the root), for the "dissect it" button.</summary>
    private string? _checkpoint;
    private string? _problem, _trainCommand, _linkError, _error;
    /// <summary>No checkpoint by this name (or not a valid name): the page answers 404.</summary>
    private bool _modelMissing;
    private long _seed;
    private string _layer = "";
    private bool _layerFromLink, _randomSeed;
    /// <summary>The layer's paint levels once known: paint strokes that use them carry only a checksum in the link.</summary>
    private float[]? _levels;
    private int _units;
    private StoredGanLayer? _stored;
    private string? _concept;
    private int _strength = 10;
    private PaintMode _mode = PaintMode.Erase;
    private string _brush = "M";
    private bool _byHand;
    private readonly SortedSet<int> _handUnits = [];
    private PaintPictures? _pictures;
    private int _shownStrokes;
    private bool _busy;
    private string _timing = "";
    private int _renderVersion;
    private bool _selfNavigation;
    private ElementReference _canvas;
    private DotNetObjectReference<GanPlayground>? _self;
    private bool _attached;
    private bool _disposed;

    private IReadOnlyList<RankedUnit>? ConceptUnitList =>
        _stored?.Concepts.FirstOrDefault(c => c.Concept == _concept)?.Units.Take(_strength).ToList();

    private string DownloadName => $"{Name}-seed{_seed}-{_layer}-{Session.Strokes.Count}strokes.png";

    protected override async Task OnParametersSetAsync()
    {
        if (_selfNavigation)
        {
            _selfNavigation = false;   // our own link update: the state is already here
            return;
        }
        _problem = _trainCommand = _linkError = _error = null;
        _modelMissing = false;
        string? path;
        try { path = Gan.FindCheckpoint(Name); }
        catch (ArgumentException e)
        {
            _problem = e.Message;
            _modelMissing = true;
            return;
        }
        if (path is null)
        {
            _modelMissing = true;
            _problem = $"No GAN model '{Name}' yet: there is no {Name}.pt in the model folders.";
            _trainCommand = GanPlaygroundService.TrainCommand(Name);
            _model = null;
            return;
        }
        _checkpoint = Policy.Display(path);
        try { _model = await Gan.LoadAsync(Name, path); }
        catch (Exception e) when (e is InvalidDataException or CheckpointMismatchException or ArgumentException or IOException or NotSupportedException)
        {
            _problem = $"The GAN checkpoint {Path.GetFileName(path)} could not be loaded: {e.Message}";
            _model = null;
            return;
        }
        var problems = ApplyLink();
        await LoadLayerAsync();
        await LoadStrokesAsync(problems);
        await RenderPicturesAsync();
    }

    /// <summary>Seed and layer from the URL. A bad part is reported and replaced by a default, never thrown; returns
    /// the problems so far.</summary>
    private List<string> ApplyLink()
    {
        var problems = new List<string>();
        var randomSeed = string.Equals(SeedQuery?.Trim(), "random", StringComparison.OrdinalIgnoreCase);
        _seed = 0;
        if (randomSeed) _seed = Random.Shared.Next(0, 1_000_000);
        else if (!string.IsNullOrWhiteSpace(SeedQuery))
        {
            try { _seed = PlaygroundLink.ParseSeed(SeedQuery); }
            catch (FormatException e) { problems.Add($"The link's {e.Message}; showing seed 0."); }
        }
        _layer = _model!.DefaultLayer;
        var layerOk = true;
        if (!string.IsNullOrWhiteSpace(LayerQuery))
        {
            if (_model.LayerShape(LayerQuery) is null)
            {
                problems.Add($"'{LayerQuery}' is not a layer of {Name} (layers: {string.Join(", ", _model.Layers)}); showing {_layer}.");
                layerOk = false;
            }
            else _layer = LayerQuery;
        }
        _layerFromLink = layerOk;
        _randomSeed = randomSeed;
        return problems;
    }

    /// <summary>The strokes of the URL, on the layer now loaded (a paint stroke may name the layer's stored levels).</summary>
    private async Task LoadStrokesAsync(List<string> problems)
    {
        IReadOnlyList<PaintStroke> strokes = [];
        try
        {
            if (!string.IsNullOrEmpty(StrokesQuery)) _levels = await Gan.LevelsAsync(_model!, _layer, _stored);
            strokes = PlaygroundLink.DecodeStrokes(StrokesQuery, _levels);
            if (!_layerFromLink && strokes.Count > 0) throw new FormatException($"its {strokes.Count} strokes were made on that layer");
            CheckAgainstLayer(strokes);
        }
        catch (Exception e) when (e is FormatException or IOException or InvalidOperationException or ArgumentException)
        {
            problems.Add($"The link's edits were not applied: {e.Message.TrimEnd('.')}.");
            strokes = [];
        }
        Session.Load(strokes);
        _linkError = problems.Count == 0 ? null : string.Join(" ", problems);
        if (_randomSeed) UpdateLink();
    }

    private void CheckAgainstLayer(IReadOnlyList<PaintStroke> strokes)
    {
        var (units, side) = _model!.LayerShape(_layer)!.Value;
        for (var i = 0; i < strokes.Count; i++)
        {
            var s = strokes[i];
            if (s.Side != side) throw new FormatException($"stroke {i + 1} has a {s.Side}x{s.Side} mask, but {_layer} is {side}x{side}");
            if (s.Units.FirstOrDefault(u => u < 0 || u >= units, -1) is var bad and >= 0)
                throw new FormatException($"stroke {i + 1} edits unit {bad}, outside 0…{units - 1} of {_layer}");
        }
    }

    /// <summary>After the generator's dissection is done: its concepts fill the picker.</summary>
    private async Task ReloadConceptsAsync()
    {
        // As a fresh load of the same URL: units of a concept when there are concepts (the page had fallen back to
        // units by hand only because there were none).
        _byHand = false;
        await LoadLayerAsync();
        await RenderPicturesAsync();
    }

    private async Task LoadLayerAsync()
    {
        _levels = null;
        _units = _model!.LayerShape(_layer)!.Value.Units;
        _handUnits.RemoveWhere(u => u >= _units);
        try { _stored = await Gan.StoredLayerAsync(_model, _layer); }
        catch (Exception e) when (e is IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            Log.LogWarning("Could not read stored GAN runs: {Message}", e.Message);
            _stored = null;
        }
        if (_stored is null || _stored.Concepts.Count == 0)
        {
            _byHand = true;
            _concept = null;
        }
        else if (_concept is null || _stored.Concepts.All(c => c.Concept != _concept))
            _concept = _stored.Concepts[0].Concept;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_model is null || _problem is not null || _attached || _disposed) return;
        _attached = true;
        _self ??= DotNetObjectReference.Create(this);
        try { await Js.InvokeVoidAsync("ganPaint.attach", _canvas, _self, BrushRadius()); }
        catch (JSDisconnectedException) { }
        catch (JSException e) { _error = "The paint canvas could not start: " + e.Message; StateHasChanged(); }
    }

    private double BrushRadius() =>
        (_model?.Resolution ?? 64) * BrushSizes.First(b => b.Name == _brush).Fraction;

    /// <summary>A finished stroke from the canvas: the painted pixels at image resolution, bit-packed row-major
    /// (least significant bit first), base64.</summary>
    [JSInvokable]
    public async Task OnStroke(string packedBase64, int width, int height)
    {
        if (_model is null) return;
        _error = null;
        try
        {
            // Sorted: a stroke's units are a set, and the link stores them sorted, so the receiver lists them alike.
            var units = ChosenUnits().Order().ToList();
            if (units.Count == 0)
            {
                _error = _byHand ? "Pick at least one unit before painting." : "Choose a concept before painting.";
                return;
            }
            using var lease = await Heavy.AcquireAsync(Security.HeavyKind.GanEdit, await Access.RequesterAsync());
            var side = _model.LayerShape(_layer)!.Value.Side;
            var mask = PaintStroke.PoolPaintedMask(Convert.FromBase64String(packedBase64), width, height, side);
            if (!mask.Any(m => m)) return;
            IReadOnlyList<float> values = [];
            if (_mode == PaintMode.Paint)
            {
                _busy = true;
                StateHasChanged();
                var levels = _levels = await Gan.LevelsAsync(_model, _layer, _stored);
                values = units.Select(u => levels[u]).ToList();
            }
            Session.Add(new PaintStroke(_byHand ? null : _concept, units, _mode, values, side, mask));
            UpdateLink();
            await RenderPicturesAsync();
        }
        catch (Security.AccessDeniedException e)
        {
            _busy = false;
            _error = "The stroke was not applied: " + e.Message;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or IOException)
        {
            _busy = false;
            _error = "The stroke was not applied: " + e.Message;
        }
        finally { StateHasChanged(); }
    }

    private List<int> ChosenUnits() =>
        _byHand ? _handUnits.ToList() : ConceptUnitList?.Select(u => u.Unit).ToList() ?? [];

    private async Task RenderPicturesAsync()
    {
        if (_model is null) return;
        var version = ++_renderVersion;
        var strokes = Session.Strokes.Count;
        _busy = true;
        StateHasChanged();
        try
        {
            var pictures = await Session.RenderAsync(_model, _seed, _layer);
            if (version != _renderVersion) return;
            _pictures = pictures;
            _shownStrokes = strokes;
            _timing = strokes == 0 ? "" : $"edit rendered in {pictures.EditMilliseconds:0} ms" + (pictures.HeadWasCached ? " (tail only)" : "");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or ObjectDisposedException)
        {
            if (version == _renderVersion) _error = "The picture could not be generated: " + e.Message;
        }
        finally
        {
            if (version == _renderVersion) _busy = false;
            if (!_disposed) StateHasChanged();
        }
    }

    private async Task OnSeedChanged(long seed)
    {
        if (seed < 0 || seed > PlaygroundLink.MaxSeed)
        {
            _error = $"A seed is a whole number from 0 to {PlaygroundLink.MaxSeed}.";
            return;
        }
        await StartOver(seed, _layer);
    }

    private Task RandomSeed() => StartOver(Random.Shared.Next(0, 1_000_000), _layer);

    private async Task OnLayerChanged(string layer)
    {
        if (_model?.LayerShape(layer) is null) return;
        await StartOver(_seed, layer);
    }

    /// <summary>A new picture or layer: strokes belong to one (seed, layer), so the history starts over.</summary>
    private async Task StartOver(long seed, string layer)
    {
        var layerChanged = layer != _layer;
        _seed = seed;
        _layer = layer;
        _linkError = _error = null;
        Session.Load([]);
        if (layerChanged) await LoadLayerAsync();
        UpdateLink();
        await RenderPicturesAsync();
    }

    private void SetMode(PaintMode mode) => _mode = mode;

    private async Task SetBrush(string name)
    {
        _brush = name;
        try { await Js.InvokeVoidAsync("ganPaint.setBrush", _canvas, BrushRadius()); }
        catch (JSDisconnectedException) { }
    }

    private void SetByHand(bool byHand) => _byHand = byHand || _stored is null || _stored.Concepts.Count == 0;

    private void SetStrength(int strength) => _strength = strength;

    private void OnConceptChanged(string concept) => _concept = concept;

    private void ToggleHand(int unit, bool on)
    {
        if (on) _handUnits.Add(unit); else _handUnits.Remove(unit);
    }

    private async Task Undo()
    {
        if (!Session.Undo()) return;
        UpdateLink();
        await RenderPicturesAsync();
    }

    private async Task Redo()
    {
        if (!Session.Redo()) return;
        UpdateLink();
        await RenderPicturesAsync();
    }

    private async Task Reset()
    {
        Session.Reset();
        UpdateLink();
        await RenderPicturesAsync();
    }

    /// <summary>Keeps the URL in step with the state without a reload (replace: the back button skips each stroke).</summary>
    private void UpdateLink()
    {
        var link = PlaygroundLink.Build(Name, _seed, _layer, Session.Strokes, _levels);
        // The same URL would not set parameters again, and the guard would then swallow the next real navigation.
        if ("/" + Nav.ToBaseRelativePath(Nav.Uri) == link) return;
        _selfNavigation = true;
        Nav.NavigateTo(link, replace: true);
    }

    /// <summary>A chosen option of a button group is filled, the others outlined.</summary>
    private static MudBlazor.Variant Pressed(bool on) => on ? MudBlazor.Variant.Filled : MudBlazor.Variant.Outlined;

    private static string Aria(bool on) => on ? "true" : "false";

    private static string DataUrl(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        if (_attached)
        {
            try { await Js.InvokeVoidAsync("ganPaint.detach", _canvas); }
            catch (Exception e) when (e is JSDisconnectedException or JSException or TaskCanceledException or ObjectDisposedException) { }
        }
        _self?.Dispose();
    }
}
