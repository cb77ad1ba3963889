// Trains the world segmenter on a Broden-format world: object, part and material heads with cross-entropy (object
// classes weighted by inverse square-root frequency, so small objects are not drowned by sky and floor), horizontal
// flips, AdamW with a cosine schedule. Deterministic for a seed and thread count. Reports per-concept IoU on val.
using System.Diagnostics;
using Dissection.Core.Datasets;
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Training;

public sealed record SegmenterTrainingOptions(string Dataset, string Output, int Epochs = 12, int BatchSize = 32,
    double LearningRate = 2e-3, int Seed = 1, int Size = 64, int Threads = 1, int? MaxTrainImages = null, int MaxValImages = 1000);

/// <param name="ObjectIoU">IoU on val per object concept present in the val labels (name → IoU).</param>
/// <param name="MedianObjectsTruth">Median number of object concepts covering >= 1 % of a val image, by the true labels:
/// the yardstick for "how many concepts does the segmenter find in a GAN sample".</param>
/// <param name="MedianObjectsPredicted">The same count on the segmenter's predictions.</param>
public sealed record SegmenterReport(double MeanObjectIoU, IReadOnlyDictionary<string, double> ObjectIoU, double PixelAccuracy,
    int Epochs, int TrainImages, int ValImages, TimeSpan Elapsed, double MedianObjectsTruth = 0, double MedianObjectsPredicted = 0);

public static class SegmenterTraining
{
    public static SegmenterReport Train(SegmenterTrainingOptions o, IProgress<TrainerProgress>? progress = null, CancellationToken cancel = default)
    {
        if (o.Epochs <= 0 || o.BatchSize <= 0 || o.Size % 8 != 0) throw new ArgumentException("epochs and batch size must be positive; size a multiple of 8");
        var clock = Stopwatch.StartNew();
        set_num_threads(o.Threads);
        manual_seed(o.Seed);
        var dataset = ConceptDataset.Open(o.Dataset);
        if (!dataset.HasLabels) throw new InvalidDataException($"{o.Dataset}: the segmenter needs a labelled (Broden-format) dataset");
        var train = dataset.Images.Where(i => i.Split == "train").Take(o.MaxTrainImages ?? int.MaxValue).ToList();
        var val = dataset.Images.Where(i => i.Split == "val").Take(o.MaxValImages).ToList();
        if (train.Count == 0 || val.Count == 0) throw new InvalidDataException($"{o.Dataset}: needs both train and val images (found {train.Count}/{val.Count})");
        var heads = LabelledImageSet.HeadLabelNumbers(dataset, WorldSegmenter.HeadCategories);
        if (heads[0].Length < 2) throw new InvalidDataException($"{o.Dataset}: no object concepts in label.csv");

        void Say(string m) => progress?.Report(new TrainerProgress("segmenter", 0, 0, 0, [], m));
        Say($"loading {train.Count} train and {val.Count} val images at {o.Size} px");
        using var trainSet = LabelledImageSet.Load(dataset, train, o.Size, heads, cancel: cancel);
        using var valSet = LabelledImageSet.Load(dataset, val, o.Size, heads, cancel: cancel);

        using var model = new WorldSegmenter(heads);
        using var weight = ObjectClassWeights(trainSet.Heads[0], heads[0].Length);
        var optimizer = optim.AdamW(model.parameters(), o.LearningRate, weight_decay: 1e-4);
        var stepsPerEpoch = (train.Count + o.BatchSize - 1) / o.BatchSize;
        var total = (long)stepsPerEpoch * o.Epochs;
        var rng = new Random(o.Seed);
        var step = 0L;
        var stepClock = Stopwatch.StartNew();
        double running = 0;
        SegmenterReport? report = null;
        for (var epoch = 0; epoch < o.Epochs; epoch++)
        {
            model.train();
            var order = Enumerable.Range(0, train.Count).OrderBy(_ => rng.Next()).ToArray();
            for (var b = 0; b < stepsPerEpoch; b++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var idx = tensor(order.Skip(b * o.BatchSize).Take(o.BatchSize).Select(i => (long)i).ToArray());
                var flip = rng.Next(2) == 1;
                var x = Flip(trainSet.Images.index_select(0, idx).to_type(ScalarType.Float32) / 255f, flip);
                var targets = trainSet.Heads.Select(h => Flip(h.index_select(0, idx).to_type(ScalarType.Int64), flip)).ToArray();
                foreach (var g in optimizer.ParamGroups)
                    g.LearningRate = o.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / total));
                var (lo, lp, lm) = model.Logits(x);
                var loss = nn.functional.cross_entropy(lo, targets[0], weight: weight)
                           + 0.5 * nn.functional.cross_entropy(lp, targets[1])
                           + 0.5 * nn.functional.cross_entropy(lm, targets[2]);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                running = step == 0 ? loss.item<float>() : 0.98 * running + 0.02 * loss.item<float>();
                step++;
                if (step % 10 == 0 || step == total)
                    progress?.Report(new TrainerProgress($"segmenter epoch {epoch + 1}/{o.Epochs}", step, total,
                        stepClock.Elapsed.TotalSeconds / step, [("loss", running)]));
            }
            report = Evaluate(model, valSet, dataset, heads[0], o.BatchSize) with
                { Epochs = epoch + 1, TrainImages = train.Count, ValImages = val.Count, Elapsed = clock.Elapsed };
            var dir = Path.GetDirectoryName(Path.GetFullPath(o.Output));
            if (dir is not null) Directory.CreateDirectory(dir);
            model.SaveWeights(o.Output);
            Say($"epoch {epoch + 1}: val mean object IoU {report.MeanObjectIoU:F3}, pixel accuracy {report.PixelAccuracy:F3}, " +
                $"median objects per image {report.MedianObjectsPredicted} (truth {report.MedianObjectsTruth}); saved {o.Output}");
        }
        return report!;
    }

    /// <summary>Object-head IoU per concept over all val pixels (intersection and union summed over images).</summary>
    internal static SegmenterReport Evaluate(WorldSegmenter model, LabelledImageSet val, ConceptDataset dataset, int[] objectLabels, int batchSize)
    {
        model.eval();
        var k = objectLabels.Length;
        var confusion = new long[k * k];
        var truthCounts = new List<int>();
        var predCounts = new List<int>();
        using (no_grad())
            for (var s = 0; s < val.Count; s += batchSize)
            {
                using var scope = NewDisposeScope();
                var n = Math.Min(batchSize, val.Count - s);
                var x = val.Images.narrow(0, s, n).to_type(ScalarType.Float32) / 255f;
                var pred = model.Logits(x).Object.argmax(1);
                var truth = val.Heads[0].narrow(0, s, n).to_type(ScalarType.Int64);
                var counts = (truth * k + pred).flatten().bincount(null, k * k).data<long>().ToArray();
                for (var i = 0; i < counts.Length; i++) confusion[i] += counts[i];
                var pixels = truth.shape[1] * truth.shape[2];
                for (var i = 0; i < n; i++)
                {
                    truthCounts.Add(Gan.SampleSegmentation.Present(truth[i].flatten().to_type(ScalarType.Int32).data<int>().ToArray(), pixels, 0.01).Count);
                    predCounts.Add(Gan.SampleSegmentation.Present(pred[i].flatten().to_type(ScalarType.Int32).data<int>().ToArray(), pixels, 0.01).Count);
                }
            }
        static double Median(List<int> v) => v.Count == 0 ? 0 : v.Order().ElementAt((v.Count - 1) / 2);
        return IoUFromConfusion(confusion, k, c => dataset.Concepts[objectLabels[c]].Name)
            with { MedianObjectsTruth = Median(truthCounts), MedianObjectsPredicted = Median(predCounts) };
    }

    /// <summary>IoU per class 1…k−1 that occurs in the truth; class 0 ("none") is not a concept.</summary>
    internal static SegmenterReport IoUFromConfusion(long[] confusion, int k, Func<int, string> name)
    {
        var ious = new Dictionary<string, double>();
        long correct = 0, all = 0;
        for (var c = 0; c < k; c++)
        {
            long tp = confusion[c * k + c], truth = 0, predicted = 0;
            for (var j = 0; j < k; j++) { truth += confusion[c * k + j]; predicted += confusion[j * k + c]; }
            correct += tp; all += truth;
            if (c > 0 && truth > 0) ious[name(c)] = (double)tp / (truth + predicted - tp);
        }
        return new SegmenterReport(ious.Count == 0 ? 0 : ious.Values.Average(), ious, all == 0 ? 0 : (double)correct / all, 0, 0, 0, TimeSpan.Zero);
    }

    private static Tensor ObjectClassWeights(Tensor objectTargets, int k)
    {
        using var scope = NewDisposeScope();
        var freq = objectTargets.flatten().to_type(ScalarType.Int64).bincount(null, k).to_type(ScalarType.Float32);
        var share = freq / freq.sum();
        var w = where(freq > 0, share.clamp_min(1e-6).pow(-0.5), zeros_like(share));
        w = w / w.sum() * (freq > 0).sum().to_type(ScalarType.Float32);
        return w.clamp(0, 10).MoveToOuterDisposeScope();
    }

    private static Tensor Flip(Tensor t, bool flip) => flip ? t.flip(-1) : t;
}
