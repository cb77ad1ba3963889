// Trains the demo Progressive GAN generator on a world with progressive growing (GrowthSchedule: 4 px first, each
// doubling faded in; the low-resolution stages cost a fraction of a full-resolution step, so the coarse layout of a
// scene is learnt cheaply before any 64-px step is paid for). Non-saturating logistic loss, lazy R1 penalty on real images, Adam
// (β1=0, β2=0.99) and an exponential moving average of the generator, which is what gets shipped (much cleaner samples
// than the raw weights). Every iteration draws its latents and real images from (seed, iteration) alone, so a run that
// resumes from a checkpoint continues exactly as if it had never stopped.
using System.Diagnostics;
using System.Text.Json;
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using TorchSharp;
using TorchSharp.PyBridge;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

/// <param name="Output">Shipped weights: the EMA generator as a PyTorch state dict (loads as proggan:PATH).</param>
/// <param name="GeneratorWidths">Channels per resolution 4,8,…,Resolution (two layers each); layer1's input is the latent.</param>
/// <param name="DiscriminatorWidths">Channels per resolution Resolution,…,8,4.</param>
/// <param name="GrowStage">Iterations per progressive-growing stage (GrowthSchedule); 0 trains at full resolution only.</param>
public sealed record GanTrainingOptions(string Dataset, string Output, int Iterations = 20000, int Seed = 1, int Resolution = 64,
    int BatchSize = 16, int ZDim = 128, int[]? GeneratorWidths = null, int[]? DiscriminatorWidths = null,
    double LearningRate = 0.002, double R1Gamma = 0.05, int R1Interval = 16, int CheckpointEvery = 500, int Threads = 1,
    bool Resume = true, int? MaxImages = null, int GrowStage = 1000)
{
    public int[] GWidths => GeneratorWidths ?? [128, 128, 64, 32, 16];
    public int[] DWidths => DiscriminatorWidths ?? [16, 32, 64, 128, 128];
    /// <summary>Where resumable state lives: next to the output, `NAME.train/`.</summary>
    public string StateDirectory => Path.ChangeExtension(Path.GetFullPath(Output), null) + ".train";
}

public sealed record GanTrainingResult(int Iterations, TimeSpan Elapsed, double SecondsPerStep, string Output);

public static class GanTraining
{
    private const double EmaBeta = 0.999;

    public static GanTrainingResult Train(GanTrainingOptions o, IProgress<TrainerProgress>? progress = null, CancellationToken cancel = default)
    {
        if (4 << (o.GWidths.Length - 1) != o.Resolution)
            throw new ArgumentException($"{o.GWidths.Length} generator widths make {4 << (o.GWidths.Length - 1)} px images, not {o.Resolution}");
        if (o.BatchSize < 2 || o.Iterations <= 0 || o.CheckpointEvery <= 0) throw new ArgumentException("batch size >= 2, iterations and checkpoint interval > 0");
        void Say(string m) => progress?.Report(new TrainerProgress("gan", 0, 0, 0, [], m));
        set_num_threads(o.Threads);
        manual_seed(o.Seed);

        var dataset = ConceptDataset.Open(o.Dataset);
        var images = dataset.Images.Where(i => i.Split == "train").Take(o.MaxImages ?? int.MaxValue).ToList();
        if (images.Count < o.BatchSize) throw new InvalidDataException($"{o.Dataset}: {images.Count} training images, fewer than one batch");
        Say($"loading {images.Count} training images at {o.Resolution} px");
        using var data = LabelledImageSet.Load(dataset, images, o.Resolution, [], cancel: cancel);

        var layout = ProGanLayout.PerResolution(o.ZDim, o.GWidths);
        using var g = new GrowingGenerator(layout);
        using var gEma = new GrowingGenerator(layout);
        using var d = new GanDiscriminator(o.Resolution, o.DWidths, o.Seed + 1);
        var schedule = new GrowthSchedule(o.GrowStage, g.MaxLevel);
        g.InitialiseForTraining(o.Seed);
        CopyInto(gEma, g);
        gEma.eval();
        var optG = optim.Adam(g.parameters(), o.LearningRate, beta1: 0.0, beta2: 0.99, eps: 1e-8);
        var optD = optim.Adam(d.parameters(), o.LearningRate, beta1: 0.0, beta2: 0.99, eps: 1e-8);

        var state = o.StateDirectory;
        var start = 0;
        if (o.Resume && File.Exists(Path.Combine(state, "state.json")))
        {
            start = LoadState(state, o, g, gEma, d, optG, optD);
            Say($"resumed from {state} at iteration {start}");
        }
        else Say($"starting a new run; resumable state goes to {state}");

        var clock = Stopwatch.StartNew();
        double lossD = 0, lossG = 0, r1 = 0;
        for (var it = start; it < o.Iterations; it++)
        {
            cancel.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                using var gen = new Generator(Mix(o.Seed, it));
                var rng = new Random((int)(Mix(o.Seed + 7, it) & 0x7fffffff));
                var idx = tensor(Enumerable.Range(0, o.BatchSize).Select(_ => (long)rng.Next(data.Count)).ToArray());
                var real = data.Images.index_select(0, idx).to_type(ScalarType.Float32) / 127.5f - 1f;
                if (rng.Next(2) == 1) real = real.flip(-1);
                var (level, alpha) = schedule.At(it);
                real = RealAtLevel(real, o.Resolution, level, alpha);
                var z1 = randn([o.BatchSize, o.ZDim], generator: gen);
                var z2 = randn([o.BatchSize, o.ZDim], generator: gen);

                // Discriminator: softplus(D(fake)) + softplus(-D(real)), plus lazy R1 every R1Interval steps.
                Tensor fake;
                using (no_grad()) fake = g.Forward(z1, level, alpha);
                var dLoss = nn.functional.softplus(d.Forward(fake, level, alpha)).mean()
                            + nn.functional.softplus(-d.Forward(real, level, alpha)).mean();
                optD.zero_grad();
                dLoss.backward();
                optD.step();
                lossD = Smooth(lossD, dLoss.item<float>(), it - start);
                if (o.R1Gamma > 0 && it % o.R1Interval == 0)
                {
                    var r = real.detach().requires_grad_(true);
                    var score = d.Forward(r, level, alpha).sum();
                    var grad = autograd.grad([score], [r], retain_graph: true, create_graph: true)[0];
                    var penalty = grad.pow(2).sum([1, 2, 3]).mean();
                    var r1Loss = penalty * (o.R1Gamma / 2 * o.R1Interval);
                    optD.zero_grad();
                    r1Loss.backward();
                    optD.step();
                    r1 = penalty.item<float>();
                }

                // Generator: softplus(-D(G(z))), D frozen.
                foreach (var p in d.parameters()) p.requires_grad = false;
                var gLoss = nn.functional.softplus(-d.Forward(g.Forward(z2, level, alpha), level, alpha)).mean();
                optG.zero_grad();
                gLoss.backward();
                optG.step();
                foreach (var p in d.parameters()) p.requires_grad = true;
                lossG = Smooth(lossG, gLoss.item<float>(), it - start);

                UpdateEma(gEma, g, Math.Min(EmaBeta, (1.0 + it) / (10.0 + it)));
            }
            var done = it + 1;
            if (done % 20 == 0 || done == o.Iterations)
            {
                var (lv, a) = schedule.At(it);
                progress?.Report(new TrainerProgress("gan", done, o.Iterations, clock.Elapsed.TotalSeconds / (done - start),
                    [("d", lossD), ("g", lossG), ("r1", r1), ("px", 4 << lv), ("alpha", a)]));
            }
            if (done % o.CheckpointEvery == 0 || done == o.Iterations)
            {
                SaveState(state, o, done, g, gEma, d, optG, optD);
                SaveShipped(gEma.Shipped, o.Output);
                Say($"iteration {done}: checkpoint written ({o.Output}, {state})");
            }
        }
        var spent = clock.Elapsed;
        var steps = Math.Max(1, o.Iterations - start);
        return new GanTrainingResult(o.Iterations, spent, spent.TotalSeconds / steps, o.Output);
    }

    /// <summary>The EMA generator in PyTorch state-dict format: exactly what `proggan:PATH` loads.</summary>
    private static void SaveShipped(ProgressiveGenerator gEma, string output)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(output));
        if (dir is not null) Directory.CreateDirectory(dir);
        var tmp = output + ".tmp";
        gEma.save_py(tmp);
        File.Move(tmp, output, overwrite: true);
    }

    /// <summary>Real images as the discriminator sees them at a growth level: average-pooled to that resolution and,
    /// while the level fades in, blended with their 2× coarser version the same way the generator's output is.</summary>
    private static Tensor RealAtLevel(Tensor real, int resolution, int level, double alpha)
    {
        var size = 4 << level;
        if (size < resolution) real = nn.functional.avg_pool2d(real, resolution / size);
        if (alpha >= 1 || level == 0) return real;
        var coarse = nn.functional.interpolate(nn.functional.avg_pool2d(real, 2), scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        return coarse + (real - coarse) * alpha;
    }

    private sealed record StateFile(int Iteration, int Seed, int Resolution, int ZDim, int[] GeneratorWidths, int[] DiscriminatorWidths, int BatchSize,
        int GrowStage = 0);

    private static void SaveState(string dir, GanTrainingOptions o, int iteration, GrowingGenerator g, GrowingGenerator gEma,
        GanDiscriminator d, TorchSharp.Modules.Adam optG, TorchSharp.Modules.Adam optD)
    {
        StateFolder.Write(dir, tmp =>
        {
            g.save(Path.Combine(tmp, "g.dat"));
            gEma.save(Path.Combine(tmp, "g_ema.dat"));
            d.save(Path.Combine(tmp, "d.dat"));
            optG.save_state_dict(Path.Combine(tmp, "opt_g.dat"));
            optD.save_state_dict(Path.Combine(tmp, "opt_d.dat"));
            File.WriteAllText(Path.Combine(tmp, "state.json"), JsonSerializer.Serialize(
                new StateFile(iteration, o.Seed, o.Resolution, o.ZDim, o.GWidths, o.DWidths, o.BatchSize, o.GrowStage)));
        });
    }

    private static int LoadState(string dir, GanTrainingOptions o, GrowingGenerator g, GrowingGenerator gEma,
        GanDiscriminator d, TorchSharp.Modules.Adam optG, TorchSharp.Modules.Adam optD)
    {
        var s = JsonSerializer.Deserialize<StateFile>(File.ReadAllText(Path.Combine(dir, "state.json")))
                ?? throw new InvalidDataException($"{dir}/state.json is empty");
        if (s.Seed != o.Seed || s.Resolution != o.Resolution || s.ZDim != o.ZDim || s.BatchSize != o.BatchSize || s.GrowStage != o.GrowStage
            || !s.GeneratorWidths.SequenceEqual(o.GWidths) || !s.DiscriminatorWidths.SequenceEqual(o.DWidths))
            throw new InvalidDataException($"{dir}: the checkpoint was made with other settings (seed {s.Seed}, {s.Resolution} px, " +
                                           $"z {s.ZDim}, batch {s.BatchSize}, grow stage {s.GrowStage}, G [{string.Join(",", s.GeneratorWidths)}], D [{string.Join(",", s.DiscriminatorWidths)}]); " +
                                           "use the same settings, or delete the folder to start over");
        g.load(Path.Combine(dir, "g.dat"));
        gEma.load(Path.Combine(dir, "g_ema.dat"));
        d.load(Path.Combine(dir, "d.dat"));
        optG.load_state_dict(Path.Combine(dir, "opt_g.dat"));
        optD.load_state_dict(Path.Combine(dir, "opt_d.dat"));
        return s.Iteration;
    }

    private static void CopyInto(nn.Module target, nn.Module source)
    {
        using var _ = no_grad();
        var src = source.state_dict();
        foreach (var (k, v) in target.state_dict()) v.copy_(src[k]);
    }

    private static void UpdateEma(GrowingGenerator ema, GrowingGenerator g, double beta)
    {
        using var _ = no_grad();
        var src = g.state_dict();
        foreach (var (k, v) in ema.state_dict()) v.mul_(beta).add_(src[k], alpha: 1 - beta);
    }

    private static double Smooth(double avg, double value, int n) => n == 0 ? value : 0.95 * avg + 0.05 * value;

    internal static ulong Mix(long seed, long index)
    {
        var x = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)index + 0x2545F4914F6CDD1DUL);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
