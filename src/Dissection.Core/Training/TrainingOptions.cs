// Settings of a classifier training run.
namespace Dissection.Core.Training;

/// <param name="DatasetDirectory">A Broden-format folder with a scene column and a train/val split (e.g. the synthetic world).</param>
/// <param name="OutputPath">Weights file (PyTorch state_dict via PyBridge); the sidecar goes to OutputPath + ".json".</param>
/// <param name="MaxImages">Use only the first N rows of index.csv (tests, quick trials).</param>
public sealed record TrainingOptions(string DatasetDirectory, string OutputPath, int Epochs = 10, int Seed = 1, int BatchSize = 64,
    double LearningRate = 2e-3, bool Resume = false, int Threads = 0, int? MaxImages = null, bool Augment = true)
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
        if (string.IsNullOrWhiteSpace(OutputPath)) throw new ArgumentException("the output path is empty");
    }
}
