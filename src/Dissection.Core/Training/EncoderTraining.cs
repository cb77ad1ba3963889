// Trains the photo-inversion encoder (Gan/LatentEncoder) against a frozen generator. First on generated samples,
// where the truth is known: the encoder's latent and edit-layer features are pulled to the sample's own, and the
// generator's tail must redraw the sample from the predicted features. Then, when a dataset is given, steps alternate
// with real world images, which have no known features and teach through the reconstruction loss alone. Each step
// draws its latents and images from (seed, step) alone, so a run resumed from its checkpoint continues as if it had
// never stopped (state in OUTPUT-without-extension.train/, swapped in whole).
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Dissection.Core.Datasets;
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

/// <param name="Generator">The generator as proggan:PATH (or a bare path).</param>
/// <param name="Output">The shipped encoder weights (+ PATH.json, its description).</param>
/// <param name="Dataset">World or image folder for the real-image phase (its train split); null: generated samples only.</param>
/// <param name="GeneratedSteps">Steps on generated samples alone before real images join.</param>
public sealed record EncoderTrainingOptions(string Generator, string Output, string Layer = "layer4", string? Dataset = null,
    int Steps = 3000, int GeneratedSteps = 1500, int BatchSize = 16, int Seed = 1, double LearningRate = 1e-3, int Width = 64,
    int CheckpointEvery = 250, int Threads = 1, bool Resume = true, int MaxImages = 4000)
{
    public string StateDirectory => Path.ChangeExtension(Path.GetFullPath(Output), null) + ".train";

    public void Validate()
    {
        if (Steps < 1 || GeneratedSteps < 0 || CheckpointEvery < 1) throw new ArgumentException("steps and the checkpoint interval must be positive");
        if (BatchSize is < 2 or > 512) throw new ArgumentException($"batch size must be within 2..512, got {BatchSize}");
        if (!(LearningRate > 0)) throw new ArgumentException("the learning rate must be positive");
        if (Width is < 8 or > 256) throw new ArgumentException($"width must be within 8..256, got {Width}");
        if (Threads < 1) throw new ArgumentException("threads must be at least 1");
    }
}

public sealed record EncoderTrainingResult(int Steps, double SecondsPerStep, string Output, double GeneratedPixelMse, double RealPixelMse);

public static class EncoderTraining
{
    private sealed record StateFile(int Step, int Seed, string Layer, int Width, int BatchSize, string GeneratorSha256);

    public static EncoderTrainingResult Train(EncoderTrainingOptions o, IProgress<TrainerProgress>? progress = null, CancellationToken cancel = default)
    {
        o.Validate();
        void Say(string m) => progress?.Report(new TrainerProgress("encoder", 0, 0, 0, [], m));
        set_num_threads(o.Threads);

        using var generator = GeneratorSpec.Load(o.Generator);
        generator.eval();
        foreach (var p in generator.parameters()) p.requires_grad = false;
        var generatorFile = o.Generator.Contains(':') && !File.Exists(o.Generator) ? ModelSpec.Parse(o.Generator).Checkpoint! : o.Generator;
        var generatorHash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(generatorFile)));
        var shape = EncoderShape.For(generator.Layout, o.Layer, o.Width) with { GeneratorSha256 = generatorHash };
        var cut = InstrumentedModel.Of(generator).Cut(o.Layer);

        LabelledImageSet? real = null;
        if (o.Dataset is not null)
        {
            var dataset = ConceptDataset.Open(o.Dataset);
            var images = dataset.Images.Where(i => i.Split == "train").Take(o.MaxImages).ToList();
            if (images.Count < o.BatchSize) throw new InvalidDataException($"{Path.GetFileName(o.Dataset)}: {images.Count} training images, fewer than one batch");
            Say($"loading {images.Count} training images at {generator.Resolution} px");
            real = LabelledImageSet.Load(dataset, images, generator.Resolution, [], cancel: cancel);
        }
        try
        {
            manual_seed(o.Seed);
            using var encoder = new LatentEncoder(shape);
            var opt = optim.Adam(encoder.parameters(), o.LearningRate);
            var state = o.StateDirectory;
            var start = 0;
            if (o.Resume && File.Exists(Path.Combine(state, "state.json")))
            {
                var s = JsonSerializer.Deserialize<StateFile>(File.ReadAllText(Path.Combine(state, "state.json")))
                        ?? throw new InvalidDataException($"{state}/state.json is empty");
                if (s.Seed != o.Seed || s.Layer != o.Layer || s.Width != o.Width || s.BatchSize != o.BatchSize || s.GeneratorSha256 != generatorHash)
                    throw new InvalidDataException($"{Path.GetFileName(state)}: the checkpoint was made with other settings (seed {s.Seed}, layer {s.Layer}, " +
                                                   $"width {s.Width}, batch {s.BatchSize}, or another generator); use the same ones, or --no-resume to start over");
                encoder.load(Path.Combine(state, "encoder.dat"));
                opt.load_state_dict(Path.Combine(state, "opt.dat"));
                start = s.Step;
                Say($"resumed from {Path.GetFileName(state)} at step {start}");
            }
            else Say($"starting a new run; resumable state goes to {state}");

            encoder.train();
            var clock = Stopwatch.StartNew();
            double genMse = 0, realMse = 0, featMse = 0;
            var genSteps = 0;
            var realSteps = 0;
            for (var step = start; step < o.Steps; step++)
            {
                cancel.ThrowIfCancellationRequested();
                using (var scope = NewDisposeScope())
                {
                    var useReal = real is not null && step >= o.GeneratedSteps && step % 2 == 1;
                    Tensor loss;
                    if (useReal)
                    {
                        var rng = new Random((int)(GanTraining.Mix(o.Seed + 11, step) & 0x7fffffff));
                        var idx = tensor(Enumerable.Range(0, o.BatchSize).Select(_ => (long)rng.Next(real!.Count)).ToArray());
                        var x = real!.Images.index_select(0, idx).to_type(ScalarType.Float32) / 127.5f - 1f;
                        if (rng.Next(2) == 1) x = x.flip(-1);
                        var (_, f) = encoder.call(x);
                        var pixel = nn.functional.mse_loss(cut.Tail(f, gradients: true), x);
                        loss = pixel;
                        realMse = Smooth(realMse, pixel.item<float>(), realSteps++);
                    }
                    else
                    {
                        using var gen = new Generator(GanTraining.Mix(o.Seed, step));
                        var z = randn([o.BatchSize, generator.ZDim], generator: gen);
                        var trueF = cut.Head(z);
                        var x = cut.Tail(trueF);
                        var (zHat, fHat) = encoder.call(x);
                        var feat = nn.functional.mse_loss(fHat, trueF);
                        var pixel = nn.functional.mse_loss(cut.Tail(fHat, gradients: true), x);
                        loss = feat + pixel + 0.1 * nn.functional.mse_loss(zHat, z);
                        genMse = Smooth(genMse, pixel.item<float>(), genSteps);
                        featMse = Smooth(featMse, feat.item<float>(), genSteps++);
                    }
                    opt.zero_grad();
                    loss.backward();
                    opt.step();
                }
                var done = step + 1;
                if (done % 10 == 0 || done == o.Steps)
                    progress?.Report(new TrainerProgress("encoder", done, o.Steps, clock.Elapsed.TotalSeconds / (done - start),
                        [("features", featMse), ("pixels", genMse), ("real pixels", realMse)]));
                if (done % o.CheckpointEvery == 0 || done == o.Steps)
                {
                    SaveState(state, o, done, encoder, opt, generatorHash);
                    encoder.Save(o.Output, shape with { TrainedSteps = done });
                    Say($"step {done}: checkpoint written ({o.Output})");
                }
            }
            var steps = Math.Max(1, o.Steps - start);
            return new EncoderTrainingResult(o.Steps, clock.Elapsed.TotalSeconds / steps, o.Output, genMse, realMse);
        }
        finally { real?.Dispose(); }
    }

    private static void SaveState(string dir, EncoderTrainingOptions o, int step, LatentEncoder encoder, TorchSharp.Modules.Adam opt, string hash)
    {
        StateFolder.Write(dir, tmp =>
        {
            encoder.save(Path.Combine(tmp, "encoder.dat"));
            opt.save_state_dict(Path.Combine(tmp, "opt.dat"));
            File.WriteAllText(Path.Combine(tmp, "state.json"), JsonSerializer.Serialize(new StateFile(step, o.Seed, o.Layer, o.Width, o.BatchSize, hash)));
        });
    }

    private static double Smooth(double avg, double value, int n) => n == 0 ? value : 0.95 * avg + 0.05 * value;
}
