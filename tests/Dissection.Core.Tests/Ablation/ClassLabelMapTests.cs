// Dataset scene labels are matched to model classes by name, with clear errors when they cannot be.
using Dissection.Core.Ablation;
using Dissection.Core.Datasets;

namespace Dissection.Core.Tests.Ablation;

public sealed class ClassLabelMapTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "ablation-labels-" + Guid.NewGuid().ToString("N"));

    /// <summary>An image folder with one subfolder per class (files are only listed, never decoded here).</summary>
    private ConceptDataset Folder(params string[] classes)
    {
        foreach (var c in classes)
        {
            Directory.CreateDirectory(Path.Combine(_root, c));
            for (var i = 0; i < 2; i++) File.WriteAllBytes(Path.Combine(_root, c, $"img{i}.png"), [0]);
        }
        return ConceptDataset.Open(_root);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Labels_are_matched_by_name_not_position()
    {
        var d = Folder("beach", "forest_path", "kitchen");
        var map = ClassLabelMap.Resolve(["Kitchen", "forest-path", "/b/beach"], d, d.Images, out var note);
        Assert.NotNull(map);
        Assert.Equal([0, 0, 1, 1, 2, 2], d.Images.Select(i => map![i.Index] switch { 2 => 0, 1 => 1, 0 => 2, _ => -1 }));
        Assert.Equal("", note);
    }

    [Fact]
    public void Unmatched_labels_leave_their_images_out_with_a_note()
    {
        var d = Folder("beach", "desert", "kitchen");
        var map = ClassLabelMap.Resolve(["beach", "kitchen"], d, d.Images, out var note)!;
        Assert.Equal(2, map.Count(c => c < 0));
        Assert.Contains("desert", note);
    }

    [Fact]
    public void No_matching_name_at_all_is_explained()
    {
        var d = Folder("beach", "kitchen");
        var e = Assert.Throws<ArgumentException>(() => ClassLabelMap.Resolve(["cat", "dog"], d, d.Images, out _));
        Assert.Contains("none of the dataset's 2 scene labels (beach, kitchen)", e.Message);
        Assert.Contains("cat, dog", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => ClassLabelMap.Resolve(null, d, d.Images, out _));
        Assert.Contains("no class names", e2.Message);
    }

    [Fact]
    public void A_dataset_without_scene_labels_gives_no_labels()
    {
        Directory.CreateDirectory(_root);
        File.WriteAllBytes(Path.Combine(_root, "a.png"), [0]);
        var d = ConceptDataset.Open(_root);
        Assert.Null(ClassLabelMap.Resolve(["x"], d, d.Images, out _));
    }
}
