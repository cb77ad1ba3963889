// The teaching page: unit, threshold, concept and IoU on the best detector of the first finished run; then the live
// part (LearnService, counted by the engine): a threshold slider redrawing the region and the IoU, the unit and its
// concept side by side on one image, links to the causal experiments, cautions, three checked exercises, the papers.
using System.Globalization;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Charts;
using Dissection.Dashboard.Gan;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;

namespace Dissection.Dashboard.Components.Pages;

/// <summary>The worked IoU example: two overlapping rectangles on an 8x8 grid.</summary>
internal static class IouDemo
{
    public static bool InUnit(int x, int y) => x is >= 1 and <= 5 && y is >= 1 and <= 4;
    public static bool InConcept(int x, int y) => x is >= 3 and <= 6 && y is >= 2 and <= 6;
    private static IEnumerable<(int X, int Y)> Cells => Enumerable.Range(0, 64).Select(i => (i % 8, i / 8));
    public static int Both => Cells.Count(c => InUnit(c.X, c.Y) && InConcept(c.X, c.Y));
    public static int Either => Cells.Count(c => InUnit(c.X, c.Y) || InConcept(c.X, c.Y));
    public static double Iou => (double)Both / Either;
}

public sealed partial class Learn
{
    [Inject] private ResultsService Results { get; set; } = default!;
    [Inject] private LearnService Live { get; set; } = default!;

    /// <summary>Slider positions from 0 to the largest top activation.</summary>
    internal const int Steps = 100;
    private LearnExample? _live;
    private int _step;
    private float _threshold;
    private IReadOnlyList<LearnImage> _images = [];
    private double _iou;
    private long _both, _either;
    private string? _ablationLink, _ganLink;
    private int _conceptCount;
    private Dissection.Core.Dissection.ConceptScore? _runnerUp;
    private readonly string?[] _answers = new string?[3];
    private readonly string?[] _verdicts = new string?[3];

    private sealed record Example(RunInfo Run, string Layer, UnitResult Unit);

    private Example? _example;
    private bool _loaded;
    private Figure? _hist;
    private string _quantileText = "1 %";
    private string _iouText = "0.04";

    protected override async Task OnInitializedAsync()
    {
        try
        {
            var run = (await Results.ListRunsAsync()).Where(r => r.Status == RunStatus.Done).MinBy(r => r.Id);
            if (run is not null)
            {
                _quantileText = (run.Settings.Quantile * 100).ToString("0.##", CultureInfo.InvariantCulture) + " %";
                _iouText = run.Settings.IouThreshold.ToString("0.###", CultureInfo.InvariantCulture);
                (string Layer, int Unit, double Iou)? best = null;
                foreach (var layer in await Results.GetLayerNamesAsync(run))
                    foreach (var u in await Results.GetUnitsAsync(run, layer) ?? [])
                        if (u.TopImages > 0 && (best is null || u.Iou > best.Value.Iou)) best = (layer, u.Unit, u.Iou);
                if (best is { } b && await Results.GetUnitAsync(run, b.Layer, b.Unit) is { } unit)
                {
                    _example = new Example(run, b.Layer, unit);
                    _hist = ChartFactory.ActivationHistogram(unit.Histogram, unit.Threshold);
                }
            }
        }
        catch (Exception) { /* the page still teaches without a live example */ }
        try
        {
            _live = await Task.Run(Live.FindExample);
            if (_live is { } live)
            {
                // Start at the slider position nearest the unit's own threshold.
                _step = Math.Clamp((int)Math.Round(live.Unit.Threshold / Math.Max(1e-9, live.MaxActivation) * Steps), 0, Steps);
                await Measure();
                _ablationLink = Live.AblationLink(live);
                if (Live.GanRun() is { } gan) _ganLink = PlaygroundLink.Start(gan.Model, gan.Layer);
                _conceptCount = live.ConceptCount;
                _runnerUp = live.Unit.TopConcepts.FirstOrDefault(c => c.Name != live.Concept.Name);
            }
        }
        catch (Exception) { _live = null; /* the static part still teaches */ }
        _loaded = true;
    }

    private async Task OnSlider(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value?.ToString(), out var step)) return;
        _step = Math.Clamp(step, 0, Steps);
        await Measure();
    }

    private async Task Measure()
    {
        if (_live is not { } live) return;
        // Everything shown changes together: the render at the await must not show a new threshold with old counts.
        var threshold = LearnService.SliderValue(live, _step, Steps);
        var images = await Task.Run(() => Live.Measure(live, threshold));
        (_threshold, _images) = (threshold, images);
        _both = _images.Sum(i => i.Overlap.Intersection);
        _either = _images.Sum(i => i.Overlap.Union);
        _iou = Dissection.Core.Dissection.ImageOverlap.Total(_images.Select(i => i.Overlap));
    }

    private void Check(int exercise)
    {
        var answer = (_answers[exercise] ?? "").Trim().ToLowerInvariant().Replace(',', '.');
        bool right;
        switch (exercise)
        {
            case 0:
                right = double.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && Math.Abs(v - 0.25) < 0.005
                        || answer is "1/4" or "10/40";
                _verdicts[0] = right ? "Right: 10 / (30 + 20 − 10) = 0.25." : "Not yet: IoU = both / either, and either = 30 + 20 − both.";
                break;
            case 1:
                right = answer.StartsWith("small");
                _verdicts[1] = right ? "Right: fewer pixels are above a higher threshold." : "Not yet: try the slider and watch the yellow region.";
                break;
            default:
                if (_live is null) return;
                var (best, iou) = Live.BestThreshold(_live, Steps);
                var step = _live.MaxActivation / Steps;
                right = float.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && Math.Abs(t - best) <= step * 1.01f;
                _verdicts[2] = right
                    ? $"Right: the IoU peaks at {iou.ToString("0.0000", CultureInfo.InvariantCulture)} near {best.ToString("0.###", CultureInfo.InvariantCulture)}."
                    : "Not yet: move the slider step by step and watch the IoU.";
                break;
        }
    }
}
