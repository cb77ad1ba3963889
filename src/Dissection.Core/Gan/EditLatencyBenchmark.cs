// How long the GAN paint playground takes from a drawn stroke to the new PNG, on the path the page runs: the canvas
// bits become a layer-resolution mask (PaintStroke.PoolPaintedMask), the stroke joins the history, and a PaintSession
// on the shared generator composes it onto its cached features, runs the tail under the generator's gate and encodes
// the PNG. One user, or several sessions painting at once on one generator. The baseline, timed in the same run and
// at the same concurrency, is a full generation from z with the same PNG encoding; edit and baseline phases alternate
// in rounds so that machine load drifts hit both alike.
using System.Diagnostics;
using SixLabors.ImageSharp;
using Dissection.Core.Statistics;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <summary>Nearest-rank percentiles of one kind of request, in milliseconds.</summary>
public sealed record LatencySummary(int Samples, double P50Ms, double P95Ms)
{
    public static LatencySummary Of(IReadOnlyList<double> ms) => new(ms.Count, Percentile(ms, 0.5), Percentile(ms, 0.95));

    /// <summary>Nearest-rank percentile.</summary>
    internal static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

/// <param name="HeadMs">One-time cost of the cached features and the original picture (first render of user 0).</param>
/// <param name="Edit">Stroke drawn → PNG, over every user's edits.</param>
/// <param name="Full">Full generation → PNG at the same concurrency (the baseline).</param>
public sealed record EditLatency(string Layer, int Users, int EditsPerUser, int UnitsPerEdit, int PauseMs, int Threads,
    double HeadMs, LatencySummary Edit, LatencySummary Full)
{
    /// <summary>Every timed edit, in milliseconds (for benchmarks that pool several runs).</summary>
    public IReadOnlyList<double> EditSamples { get; init; } = [];
    public double P50Ratio => Edit.P50Ms / Full.P50Ms;
    public double P95Ratio => Edit.P95Ms / Full.P95Ms;
}

public static class EditLatencyBenchmark
{
    /// <summary>Strokes a user keeps before starting a fresh picture, as after a reset.</summary>
    public const int StrokesPerPicture = 16;
    private const int Rounds = 5;

    /// <param name="users">Paint sessions painting at once, each on its own seed.</param>
    /// <param name="editsPerUser">Timed edits per user (spread over the rounds).</param>
    /// <param name="unitsPerEdit">Units per stroke (GANPaint's strengths are 4, 10, 15; a whole concept may be 128).</param>
    /// <param name="pauseMs">Each user's pause between requests (0: every user paints as fast as it can).</param>
    /// <param name="editsOnly">Skip the full-generation baseline (a caller that has its own).</param>
    public static async Task<EditLatency> RunAsync(SharedGenerator generator, string layer, int users = 1, int editsPerUser = 100,
        int unitsPerEdit = 10, long seed = 1, int pauseMs = 0, int warmup = 3, bool editsOnly = false, CancellationToken cancel = default)
    {
        if (users < 1) throw new ArgumentException($"need at least one user, got {users}");
        if (editsPerUser < 1) throw new ArgumentException($"need at least one edit per user, got {editsPerUser}");
        generator.CheckLayer(layer);
        var (units, side) = generator.LayerShape(layer)!.Value;
        var levels = PaintLevels.Compute(generator, layer, samples: 64, q: 0.99);
        var painters = Enumerable.Range(0, users).Select(u => new Painter(generator, layer, seed + u, units, side, levels,
            Math.Min(unitsPerEdit, units), pauseMs)).ToList();
        try
        {
            var clock = Stopwatch.StartNew();
            await painters[0].FirstRenderAsync(cancel);
            var headMs = clock.Elapsed.TotalMilliseconds;
            await Task.WhenAll(painters.Skip(1).Select(p => p.FirstRenderAsync(cancel)));
            await Task.WhenAll(painters.Select(p => p.EditAsync(warmup, record: false, cancel)));
            if (!editsOnly) await Task.WhenAll(painters.Select(p => p.FullAsync(warmup, record: false, cancel)));

            for (var r = 0; r < Rounds; r++)
            {
                var count = editsPerUser / Rounds + (r < editsPerUser % Rounds ? 1 : 0);
                if (count == 0) continue;
                await Task.WhenAll(painters.Select(p => p.EditAsync(count, record: true, cancel)));
                if (!editsOnly) await Task.WhenAll(painters.Select(p => p.FullAsync(count, record: true, cancel)));
            }
            var edits = painters.SelectMany(p => p.EditMs).ToList();
            var full = painters.SelectMany(p => p.FullMs).ToList();
            return new EditLatency(layer, users, editsPerUser, Math.Min(unitsPerEdit, units), pauseMs, get_num_threads(), headMs,
                LatencySummary.Of(edits), full.Count > 0 ? LatencySummary.Of(full) : new LatencySummary(0, double.NaN, double.NaN))
            { EditSamples = edits };
        }
        finally
        {
            foreach (var p in painters) p.Dispose();
        }
    }

    /// <summary>One simulated user: its session, its stroke history and its timings.</summary>
    private sealed class Painter(SharedGenerator generator, string layer, long seed, int units, int side, float[] levels,
        int unitsPerEdit, int pauseMs) : IDisposable
    {
        private readonly PaintSession _session = new(generator);
        private readonly Random _rng = new((int)(seed & 0x7fffffff));
        private IReadOnlyList<PaintStroke> _strokes = [];

        public List<double> EditMs { get; } = [];
        public List<double> FullMs { get; } = [];

        public Task FirstRenderAsync(CancellationToken cancel) => _session.RenderAsync(seed, layer, [], cancel);

        public async Task EditAsync(int count, bool record, CancellationToken cancel)
        {
            for (var i = 0; i < count; i++)
            {
                if (pauseMs > 0) await Task.Delay(pauseMs, cancel);
                if (_strokes.Count >= StrokesPerPicture) _strokes = [];
                var chosen = Enumerable.Range(0, units).OrderBy(_ => _rng.Next()).Take(unitsPerEdit).Order().ToList();
                var paint = _rng.Next(2) == 0;
                var resolution = generator.Resolution;
                var bits = Disc(resolution, _rng.Next(resolution), _rng.Next(resolution), Math.Max(1, resolution / 8));
                var clock = Stopwatch.StartNew();
                // What the page does when a stroke ends: canvas bits → cells, the stroke joins the history, render.
                var mask = PaintStroke.PoolPaintedMask(bits, resolution, resolution, side);
                var stroke = new PaintStroke(null, chosen, paint ? PaintMode.Paint : PaintMode.Erase,
                    paint ? chosen.Select(u => levels[u]).ToList() : [], side, mask);
                _strokes = [.. _strokes, stroke];
                await _session.RenderAsync(seed, layer, _strokes, cancel);
                if (record) EditMs.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        public async Task FullAsync(int count, bool record, CancellationToken cancel)
        {
            for (var i = 0; i < count; i++)
            {
                if (pauseMs > 0) await Task.Delay(pauseMs, cancel);
                var clock = Stopwatch.StartNew();
                using var image = await generator.RunAsync(() =>
                {
                    using var z = PaintSession.Latent(generator.Layout.ZDim, seed);
                    using var noGrad = no_grad();
                    return generator.Generator.call(z);
                }, cancel);
                using (var first = image[0])
                using (var picture = GeneratedImages.ToImage(first))
                using (var stream = new MemoryStream())
                    picture.SaveAsPng(stream);
                if (record) FullMs.Add(clock.Elapsed.TotalMilliseconds);
            }
        }

        public void Dispose() => _session.Dispose();
    }

    /// <summary>A filled disc as the canvas sends it: bit-packed, row-major, least significant bit first.</summary>
    private static byte[] Disc(int size, int cx, int cy, int r)
    {
        var bits = new byte[(size * size + 7) / 8];
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                {
                    var i = y * size + x;
                    bits[i >> 3] |= (byte)(1 << (i & 7));
                }
        return bits;
    }
}
