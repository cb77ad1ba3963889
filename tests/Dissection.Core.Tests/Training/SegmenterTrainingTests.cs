// Training the world segmenter end to end on trivially learnable scenes, and the IoU bookkeeping it reports.
using Dissection.Core.Models;
using Dissection.Core.Training;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Training;

[Collection(TorchThreadsCollection.Name)]
public class SegmenterTrainingTests
{
    [Fact]
    public void Training_learns_the_scene_and_writes_weights_that_segment_in_dataset_numbering()
    {
        using var data = new TinySceneDataset(count: 48, size: 16);
        var output = data.File("seg.pt");
        var report = SegmenterTraining.Train(new SegmenterTrainingOptions(data.Root, output, Epochs: 8, BatchSize: 12, LearningRate: 0.01, Size: 16));

        Assert.Equal(["car", "grass", "sky"], report.ObjectIoU.Keys.Order());
        Assert.Equal(12, report.ValImages);
        Assert.True(report.MeanObjectIoU > 0.5, $"mean IoU {report.MeanObjectIoU:F3}");

        using var seg = WorldSegmenter.Load(output);
        Assert.Equal(new long[] { 0, TinySceneDataset.Sky, TinySceneDataset.Grass, TinySceneDataset.Car }, seg.HeadLabels[0]);
        using var img = ones(1, 3, 16, 16) * tensor(new[] { 70f / 255, 120f / 255, 220f / 255 }).view(1, 3, 1, 1);
        using var planes = seg.SegmentPlanes(img);
        Assert.Equal(new long[] { 1, 4, 16, 16 }, planes.shape);
        // An all-sky-blue picture: the top row is sky for any sensible segmenter trained on these scenes.
        Assert.Equal(TinySceneDataset.Sky, planes[0, 0, 0, 8].item<long>());
    }

    [Fact]
    public void IoU_from_confusion_matches_a_by_hand_count()
    {
        // truth rows, prediction columns; class 0 = none. truth: class1 = 5 px, class2 = 3 px, class3 absent.
        long[] confusion =
        [
            2, 1, 0, 0,
            0, 4, 1, 0,
            0, 0, 2, 1,
            0, 0, 0, 0,
        ];
        var r = SegmenterTraining.IoUFromConfusion(confusion, 4, c => $"c{c}");
        Assert.Equal(4.0 / (5 + 5 - 4), r.ObjectIoU["c1"], 12);
        Assert.Equal(2.0 / (3 + 3 - 2), r.ObjectIoU["c2"], 12);
        Assert.False(r.ObjectIoU.ContainsKey("c3"));
        Assert.Equal((4.0 / 6 + 2.0 / 4) / 2, r.MeanObjectIoU, 12);
        Assert.Equal(8.0 / 11, r.PixelAccuracy, 12);
    }
}
