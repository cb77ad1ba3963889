// What a training run reports while it runs (per epoch, per batch) and when it ends.
namespace Dissection.Core.Training;

public sealed record EpochReport(int Epoch, int Epochs, double Loss, double TrainAccuracy, double ValAccuracy,
    double ImagesPerSecond, TimeSpan Elapsed, TimeSpan Eta);

public sealed record BatchReport(int Epoch, int Batch, int Batches, double Loss, double ImagesPerSecond);

/// <param name="Confusion">Validation confusion matrix: [true class, predicted class] counts.</param>
public sealed record TrainingResult(IReadOnlyList<string> Classes, double ValAccuracy, int[,] Confusion, int Epochs,
    TimeSpan Elapsed, IReadOnlyList<EpochReport> History);
