// Counts for one ablation over a dataset: per class, how many images of it were predicted as it (true positives), how
// many images were predicted as it at all, and how many it has; plus the confidence in the unablated prediction.
namespace Dissection.Core.Ablation;

internal sealed class ClassTally(int classes)
{
    private readonly long[] _truePositives = new long[classes];
    private readonly long[] _predicted = new long[classes];
    private readonly long[] _actual = new long[classes];
    private long _total;
    private double _confidence;

    /// <param name="predictions">Argmax class per image.</param>
    /// <param name="labels">True class per image (the unablated prediction when label-free).</param>
    /// <param name="confidence">Probability the ablated model gives the unablated argmax class, per image.</param>
    public void Add(ReadOnlySpan<long> predictions, ReadOnlySpan<int> labels, ReadOnlySpan<float> confidence)
    {
        for (var i = 0; i < predictions.Length; i++)
        {
            var p = (int)predictions[i];
            var t = labels[i];
            _predicted[p]++;
            _actual[t]++;
            if (p == t) _truePositives[p]++;
            _confidence += confidence[i];
        }
        _total += predictions.Length;
    }

    public ClassMetrics ToMetrics()
    {
        var n = _actual.Length;
        var accuracy = new double[n];
        var balanced = new double[n];
        for (var c = 0; c < n; c++)
        {
            // One-vs-rest on the argmax: recall = TP / positives, TNR = TN / negatives, BA = (recall + TNR) / 2.
            var positives = _actual[c];
            var negatives = _total - positives;
            var falsePositives = _predicted[c] - _truePositives[c];
            var recall = positives > 0 ? (double)_truePositives[c] / positives : double.NaN;
            var tnr = negatives > 0 ? (double)(negatives - falsePositives) / negatives : double.NaN;
            accuracy[c] = recall;
            balanced[c] = (recall + tnr) / 2;
        }
        var correct = _truePositives.Sum();
        return new ClassMetrics(accuracy, balanced, _total > 0 ? (double)correct / _total : double.NaN,
            _total > 0 ? _confidence / _total : double.NaN);
    }
}
