// Cancelling a dissection in any pass throws OperationCanceledException and leaves no activation cache behind; so does a failure.
using Dissection.Core.Dissection;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Dissection;

public class DissectionCancellationTests
{
    private sealed class CancelOn(string phasePrefix, CancellationTokenSource cts) : IProgress<DissectionProgress>
    {
        public List<string> Phases { get; } = [];
        public void Report(DissectionProgress value)
        {
            Phases.Add(value.Phase);
            if (value.Phase.StartsWith(phasePrefix, StringComparison.Ordinal) && value.Done > 0) cts.Cancel();
        }
    }

    [Theory]
    [InlineData("pass 1")]
    [InlineData("thresholds")]
    [InlineData("pass 2")]
    public void Cancel_leaves_no_cache_files(string phase)
    {
        var root = Directory.CreateTempSubdirectory("dissect-cancel-").FullName;
        try
        {
            using var oracle = new DissectionOracle(images: 8, seed: 5);
            using var cts = new CancellationTokenSource();
            var progress = new CancelOn(phase, cts);
            Assert.ThrowsAny<OperationCanceledException>(() => DissectionPipeline.Run(oracle.Inputs(), ["conv"],
                new DissectionSettings { Quantile = 0.1, BatchSize = 2 }, progress, cts.Token, root, floorFactor: 0.05));
            Assert.Contains(progress.Phases, p => p.StartsWith(phase, StringComparison.Ordinal));
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Fact]
    public void Failure_leaves_no_cache_files()
    {
        var root = Directory.CreateTempSubdirectory("dissect-fail-").FullName;
        try
        {
            using var oracle = new DissectionOracle(images: 6, seed: 5);
            var calls = 0;
            var inputs = oracle.Inputs() with
            {
                Labels = image => ++calls > 2 ? throw new InvalidDataException("label file broken") : oracle.Labels[image.Index],
            };
            Assert.Throws<InvalidDataException>(() => DissectionPipeline.Run(inputs, ["conv"],
                new DissectionSettings { Quantile = 0.1, BatchSize = 2 }, null, default, root));
            Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        }
        finally { Directory.Delete(root, recursive: true); }
    }
}
