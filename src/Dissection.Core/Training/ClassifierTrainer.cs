// Trains the demo scene classifier (WorldVgg) on a Broden-format dataset with scene labels. Deterministic for a seed:
// torch is re-seeded per epoch and batches are shuffled by our own RNG, so a resumed run repeats the epochs it missed.
// Each epoch ends with a checkpoint (weights + optimizer + progress), the final weights are a PyTorch state_dict.
using System.Diagnostics;
using System.Text.Json;
using Dissection.Core.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

public static class ClassifierTrainer
{
    private const int Pad = 8;

    private sealed record CheckpointState(int EpochsDone, List<EpochReport> History, double SecondsSoFar, float[] Mean, float[] Std);

    public static TrainingResult Train(TrainingOptions o, IProgress<EpochReport>? epochProgress = null,
        IProgress<BatchReport>? batchProgress = null, CancellationToken cancel = default)
    {
        o.Validate();
        if (!Directory.Exists(o.DatasetDirectory)) throw new DirectoryNotFoundException($"dataset folder '{o.DatasetDirectory}' does not exist");
        var outDir = Path.GetDirectoryName(Path.GetFullPath(o.OutputPath))!;
        Directory.CreateDirectory(outDir);
        if (o.Threads > 0) set_num_threads(o.Threads);

        var scenes = SceneImageSet.ReadScenes(o.DatasetDirectory);
        var size = WorldVgg.DefaultInputSize;
        using var train = SceneImageSet.Load(o.DatasetDirectory, "train", scenes, size, o.MaxImages, cancel);
        using var val = SceneImageSet.Load(o.DatasetDirectory, "val", scenes, size, o.MaxImages, cancel);
        if (train.Count == 0) throw new InvalidDataException($"{o.DatasetDirectory}: no images in the train split");

        CheckpointState? resumed = null;
        var ckptJson = o.CheckpointPath + ".json";
        if (o.Resume && File.Exists(ckptJson))
            resumed = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(ckptJson))
                      ?? throw new InvalidDataException($"{ckptJson}: empty checkpoint description");

        var (mean, std) = resumed is null ? ChannelStats(train.Images) : (resumed.Mean, resumed.Std);
        manual_seed(o.Seed);
        var model = WorldVgg.Create(scenes.Count);
        var optimizer = optim.AdamW(model.parameters(), o.LearningRate, weight_decay: 5e-4);
        var history = resumed?.History ?? [];
        var startEpoch = resumed?.EpochsDone ?? 0;
        var priorSeconds = resumed?.SecondsSoFar ?? 0;
        if (resumed is not null)
        {
            model.load_py(o.CheckpointPath);
            optimizer.load_state_dict(o.CheckpointPath + ".optim");
        }

        using var meanT = tensor(mean).view(1, 3, 1, 1);
        using var stdT = tensor(std).view(1, 3, 1, 1);
        var batches = (train.Count + o.BatchSize - 1) / o.BatchSize;
        var totalSteps = (long)batches * o.Epochs;
        var clock = Stopwatch.StartNew();

        for (var epoch = startEpoch; epoch < o.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            manual_seed(o.Seed * 1000 + epoch);
            var rng = new Random(o.Seed * 7919 + epoch);
            var order = Enumerable.Range(0, train.Count).ToArray();
            rng.Shuffle(order);
            model.train();
            double lossSum = 0; long correct = 0, seen = 0;
            var epochClock = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var idx = order.Skip(b * o.BatchSize).Take(o.BatchSize).Select(i => (long)i).ToArray();
                var x = Batch(train.Images, idx, meanT, stdT, o.Augment ? rng : null, size, o.TrainCrop);
                var y = tensor(idx.Select(i => train.Labels[i]).ToArray());
                SetLearningRate(optimizer, Schedule(o.LearningRate, (long)epoch * batches + b, totalSteps, Math.Min(batches, 100)));
                optimizer.zero_grad();
                var logits = model.forward(x);
                var loss = nn.functional.cross_entropy(logits, y);
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>() * idx.Length;
                correct += logits.argmax(1).eq(y).sum().item<long>();
                seen += idx.Length;
                batchProgress?.Report(new BatchReport(epoch + 1, b + 1, batches, lossSum / seen, seen / epochClock.Elapsed.TotalSeconds));
            }
            var (valAcc, _) = Evaluate(model, val, meanT, stdT, scenes.Count, o.BatchSize, size, o.EpochValImages);
            var ips = seen / epochClock.Elapsed.TotalSeconds;
            var elapsed = TimeSpan.FromSeconds(priorSeconds + clock.Elapsed.TotalSeconds);
            var eta = TimeSpan.FromSeconds(epochClock.Elapsed.TotalSeconds * (o.Epochs - epoch - 1));
            var report = new EpochReport(epoch + 1, o.Epochs, lossSum / seen, (double)correct / seen, valAcc, ips, elapsed, eta);
            history.Add(report);
            epochProgress?.Report(report);

            model.save_py(o.CheckpointPath);
            optimizer.save_state_dict(o.CheckpointPath + ".optim");
            File.WriteAllText(ckptJson, JsonSerializer.Serialize(new CheckpointState(epoch + 1, history, elapsed.TotalSeconds, mean, std)));
        }

        var (acc, confusion) = Evaluate(model, val, meanT, stdT, scenes.Count, o.BatchSize, size);
        var total = TimeSpan.FromSeconds(priorSeconds + clock.Elapsed.TotalSeconds);
        model.save_py(o.OutputPath);
        new ModelSidecar
        {
            Classes = scenes.Select(s => s.Name).ToList(), InputSize = size, Mean = mean, Std = std, Bgr = false, ValueRange = 1,
            ValAccuracy = Math.Round(acc, 4), Epochs = o.Epochs, TrainingSeconds = Math.Round(total.TotalSeconds),
            Dataset = Path.GetFileName(Path.GetFullPath(o.DatasetDirectory).TrimEnd('/')),
        }.Save(o.OutputPath + ".json");
        foreach (var f in new[] { o.CheckpointPath, o.CheckpointPath + ".optim", ckptJson }) File.Delete(f);
        return new TrainingResult(scenes.Select(s => s.Name).ToList(), acc, confusion, o.Epochs, total, history);
    }

    /// <summary>Linear warm-up, then cosine decay to zero.</summary>
    internal static double Schedule(double peak, long step, long total, int warmup)
    {
        if (step < warmup) return peak * (step + 1) / warmup;
        var t = (double)(step - warmup) / Math.Max(1, total - warmup);
        return peak * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, t)));
    }

    private static void SetLearningRate(optim.Optimizer optimizer, double lr)
    {
        foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
    }

    /// <summary>Per-channel mean and std of the training images in [0, 1] (on up to 2000 images).</summary>
    private static (float[] Mean, float[] Std) ChannelStats(Tensor images)
    {
        using var scope = NewDisposeScope();
        var n = Math.Min(images.shape[0], 2000);
        var x = images.narrow(0, 0, n).to_type(ScalarType.Float32).div_(255f);
        var mean = x.mean([0, 2, 3]);
        var std = x.std([0, 2, 3]);
        return (mean.data<float>().ToArray().Select(v => MathF.Round(v, 4)).ToArray(), std.data<float>().ToArray().Select(v => MathF.Round(v, 4)).ToArray());
    }

    /// <summary>Normalised float batch. With an RNG, each image gets a random crop of <paramref name="crop"/> pixels
    /// (or, at full size, a random shift with replicate padding) and a random horizontal flip.</summary>
    private static Tensor Batch(Tensor images, long[] idx, Tensor mean, Tensor std, Random? rng, int size, int crop)
    {
        var x = images.index_select(0, tensor(idx)).to_type(ScalarType.Float32).div_(255f);
        if (rng is not null)
        {
            var pad = crop >= size ? Pad : 0;
            var source = pad > 0 ? nn.functional.pad(x, [pad, pad, pad, pad], PaddingModes.Replicate) : x;
            var side = Math.Min(crop, size);
            var room = size + 2 * pad - side;
            var crops = new Tensor[idx.Length];
            for (var i = 0; i < idx.Length; i++)
            {
                var c = source[i].narrow(1, rng.Next(room + 1), side).narrow(2, rng.Next(room + 1), side);
                crops[i] = rng.Next(2) == 0 ? c.flip(2) : c;
            }
            x = stack(crops);
        }
        return x.sub_(mean).div_(std);
    }

    internal static (double Accuracy, int[,] Confusion) Evaluate(nn.Module<Tensor, Tensor> model, SceneImageSet set, Tensor mean, Tensor std, int classes, int batch, int size, int limit = int.MaxValue)
    {
        var confusion = new int[classes, classes];
        var count = Math.Min(set.Count, limit);
        if (count == 0) return (0, confusion);
        model.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (var start = 0; start < count; start += batch)
        {
            using var scope = NewDisposeScope();
            var idx = Enumerable.Range(start, Math.Min(batch, count - start)).Select(i => (long)i).ToArray();
            var pred = model.forward(Batch(set.Images, idx, mean, std, null, size, size)).argmax(1).data<long>().ToArray();
            for (var i = 0; i < idx.Length; i++)
            {
                var truth = (int)set.Labels[idx[i]];
                confusion[truth, pred[i]]++;
                if (pred[i] == truth) correct++;
            }
        }
        model.train();
        return ((double)correct / count, confusion);
    }
}
