// A plain image folder opens without labels; one subfolder per class becomes scene concepts and scene labels.
using Dissection.Core.Datasets;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Datasets;

public sealed class ImageFolderTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), "image-folder-" + Guid.NewGuid().ToString("N"));

    public ImageFolderTests() => Directory.CreateDirectory(_root);
    public void Dispose() { try { Directory.Delete(_root, true); } catch (IOException) { } }

    void Write(string relative)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        BrodenFixture.WriteSolidImage(path, 4, 4, new Rgb24(1, 2, 3));
    }

    [Fact]
    public void Class_subfolders_become_scene_concepts()
    {
        Write("dogs/2.png"); Write("cats/1.png"); Write("dogs/3.jpg");
        File.WriteAllText(Path.Combine(_root, "dogs", "notes.txt"), "ignored");
        var ds = ConceptDataset.Open(_root);
        Assert.False(ds.HasLabels);
        Assert.Equal(["scene"], ds.Categories);
        Assert.Equal([new Concept(0, "-", ""), new Concept(1, "cats", "scene"), new Concept(2, "dogs", "scene")], ds.Concepts);
        Assert.Equal(["cats/1.png", "dogs/2.png", "dogs/3.jpg"], ds.Images.Select(i => i.Path));
        Assert.Equal([1, 2, 2], ds.Images.Select(i => i.SceneLabel));
        Assert.Equal(Path.Combine(_root, "dogs/3.jpg"), ds.ImagePath(ds.Images[2]));
        var labels = ds.LoadLabels(ds.Images[0]);
        Assert.Empty(labels.Planes);
        Assert.Empty(labels.ImageLabels);
        using var t = ds.LoadImage(ds.Images[2], 3);
        Assert.Equal([3L, 3, 3], t.shape);
    }

    [Fact]
    public void Flat_or_mixed_depth_folders_have_no_classes()
    {
        Write("a.png"); Write("deep/er/b.webp.png");
        var ds = ConceptDataset.Open(_root);
        Assert.Equal(2, ds.Images.Count);
        Assert.Single(ds.Concepts);
        Assert.Empty(ds.Categories);
        Assert.All(ds.Images, i => Assert.Null(i.SceneLabel));
    }

    [Fact]
    public void A_folder_without_images_is_a_format_error()
    {
        File.WriteAllText(Path.Combine(_root, "readme.txt"), "no images");
        var e = Assert.Throws<DatasetFormatException>(() => ConceptDataset.Open(_root));
        Assert.Contains(_root, e.Message);
    }
}
