// Settings of a classifier training run.
namespace Dissection.Core.Training;

/// <param name="DatasetDirectory">A Broden-format folder with a scene column and a train/val split (e.g. the synthetic world).</param>
/// <param name="OutputPath">Weights file (PyTorch state_dict via PyBridge); the sidecar goes to OutputPath + ".json".</param>
/// <param name="MaxImages">Use only the first N rows of index.csv (tests, quick trials).</param>
/// <param name="TrainCrop">Training sees random crops of this size (objects keep their scale; the network is convolutional
/// with global pooling, so it is evaluated on the full image). Equal to the input size: random 8 px shifts instead.</param>
/// <param name="EpochValImages">Validation images checked after each epoch (all of them at the end).</param>
public sealed record TrainingOptions(string DatasetDirectory, string OutputPath, int Epochs = 10, int Seed = 1, int BatchSize = 64,
    double LearningRate = 2e-3, bool Resume = false, int Threads = 0, int? MaxImages = null, bool Augment = true,
    int TrainCrop = 96, int EpochValImages = 800)
{
    public string CheckpointPath => OutputPath + ".ckpt";

    /// <exception cref="ArgumentException">an option is out of range.</exception>
    public void Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"epochs must be at least 1, got {Epochs}");
        if (BatchSize is < 1 or > 4096) throw new ArgumentException($"batch size must be within 1..4096, got {BatchSize}");
        if (!(LearningRate > 0) || LearningRate > 10) throw new ArgumentException($"learning rate must be in (0, 10], got {LearningRate}");
        if (Threads < 0) throw new ArgumentException($"threads must be 0 (one per core) or more, got {Threads}");
        if (MaxImages is < 2) throw new ArgumentException($"max images must be at least 2, got {MaxImages}");
        if (TrainCrop is < 32 or > 128) throw new ArgumentException($"train crop must be within 32..128 pixels, got {TrainCrop}");
        if (string.IsNullOrWhiteSpace(OutputPath)) throw new ArgumentException("the output path is empty");
    }
}
