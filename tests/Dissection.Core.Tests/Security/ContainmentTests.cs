// Every file a dataset names stays inside the dataset: index rows with '..' or absolute paths, links that lead out (an
// image, a mask, the images folder, label.csv) are refused with an error that names the row; folders are never listed
// through links. Real symbolic links and real index.csv files in a temp folder.
using Dissection.Core.Datasets;
using Dissection.Core.Tests.Datasets;

namespace Dissection.Core.Tests.Security;

public sealed class ContainmentTests : IDisposable
{
    readonly EscapeFixture _escape = new();
    BrodenFixture _fixture => _escape.Dataset;
    string _outside => _escape.Outside;
    public void Dispose() => _escape.Dispose();

    DatasetFormatException OpenFails() => Assert.Throws<DatasetFormatException>(() => ConceptDataset.Open(_fixture.Root));

    [Fact]
    public void Traversal_in_an_image_row_is_refused_naming_the_row()
    {
        var rel = "../../" + Path.GetFileName(_outside) + "/secret.png";
        Assert.True(File.Exists(Path.Combine(_fixture.Images, rel)), "the traversal really reaches a file");
        _fixture.WriteIndex("a.png,train,8,8,4,4,,,,,,", $"{rel},train,8,8,4,4,,,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 3", e.Message);
        Assert.Contains("'..'", e.Message);
    }

    [Fact]
    public void Traversal_in_a_mask_cell_is_refused_naming_the_row()
    {
        var rel = "../../" + Path.GetFileName(_outside) + "/secret_object.png";
        _fixture.WriteIndex($"a.png,train,8,8,4,4,,{rel},,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 2", e.Message);
        Assert.Contains("object segmentation path", e.Message);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share\\x.png")]
    [InlineData("C:\\x.png")]
    public void Absolute_paths_are_refused_naming_the_row(string path)
    {
        _fixture.WriteIndex($"\"{path}\",train,8,8,4,4,,,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 2", e.Message);
        Assert.Contains("absolute path", e.Message);
    }

    [Fact]
    public void A_linked_image_that_leads_outside_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_fixture.Images, "link.png"), Path.Combine(_outside, "secret.png"));
        _fixture.WriteIndex("link.png,train,8,8,4,4,,,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 2", e.Message);
        Assert.Contains("link that leads outside", e.Message);
    }

    [Fact]
    public void A_linked_image_inside_the_dataset_is_fine()
    {
        File.CreateSymbolicLink(Path.Combine(_fixture.Images, "again.png"), "a.png");
        _fixture.WriteIndex("again.png,train,8,8,4,4,,,,,,");
        var ds = ConceptDataset.Open(_fixture.Root);
        using var t = ds.LoadImage(ds.Images[0], 4);
        Assert.Equal(10f / 255f, t[0, 0, 0].item<float>(), 5);
    }

    [Fact]
    public void A_linked_folder_in_the_middle_of_a_row_is_resolved_too()
    {
        // images/sub2 -> outside: the last component is a plain file, the link is one level up.
        Directory.CreateSymbolicLink(Path.Combine(_fixture.Images, "sub2"), _outside);
        _fixture.WriteIndex("sub2/secret.png,train,8,8,4,4,,,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 2", e.Message);
        Assert.Contains("link that leads outside", e.Message);
    }

    [Fact]
    public void A_linked_images_folder_that_leads_outside_is_refused_without_listing_it()
    {
        Directory.Move(_fixture.Images, Path.Combine(_outside, "images"));
        // Pointing at / would be listed through /proc for minutes if links were followed.
        Directory.CreateSymbolicLink(_fixture.Images, "/");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = OpenFails();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Contains("images folder is a link that leads outside", e.Message);
    }

    [Fact]
    public void A_linked_subfolder_is_not_listed()
    {
        Directory.CreateSymbolicLink(Path.Combine(_fixture.Images, "proc"), "/proc");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var files = BrodenReader.ListFiles(_fixture.Images);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.DoesNotContain(files, f => f.StartsWith("proc/", StringComparison.Ordinal));
        Assert.Contains("a.png", files);
    }

    [Fact]
    public void A_linked_label_csv_that_leads_outside_is_refused()
    {
        var label = Path.Combine(_fixture.Root, "label.csv");
        File.Move(label, Path.Combine(_outside, "label.csv"));
        File.CreateSymbolicLink(label, Path.Combine(_outside, "label.csv"));
        var e = OpenFails();
        Assert.Contains("label.csv", e.Message);
        Assert.Contains("link that leads outside", e.Message);
    }

    [Fact]
    public void A_plain_image_folder_skips_linked_files_and_folders()
    {
        var folder = Path.Combine(_fixture.Root, "plain");
        Directory.CreateDirectory(folder);
        BrodenFixture.WriteSolidImage(Path.Combine(folder, "own.png"), 8, 8, new(0, 0, 0));
        File.CreateSymbolicLink(Path.Combine(folder, "secret.png"), Path.Combine(_outside, "secret.png"));
        Directory.CreateSymbolicLink(Path.Combine(folder, "more"), _outside);
        var ds = ConceptDataset.Open(folder);
        Assert.Equal(["own.png"], ds.Images.Select(i => i.Path));
    }

    [Fact]
    public void Real_path_resolves_links_on_every_component()
    {
        var a = Path.Combine(_fixture.Root, "a");
        Directory.CreateSymbolicLink(a, _outside);                       // absolute target
        var b = Path.Combine(_outside, "b");
        Directory.CreateSymbolicLink(b, ".");                            // relative target
        Assert.Equal(Path.Combine(_outside, "secret.png"), PathContainment.RealPath(Path.Combine(a, "b", "b", "secret.png")));
        Assert.False(PathContainment.IsInside(Path.Combine(a, "secret.png"), _fixture.Root));
        Assert.True(PathContainment.IsInside(Path.Combine(_fixture.Images, "a.png"), _fixture.Root));
        // A path that does not exist yet keeps its written tail after the resolved prefix.
        Assert.Equal(Path.Combine(_outside, "new", "file"), PathContainment.RealPath(Path.Combine(a, "new", "file")));
    }

    [Fact]
    public void A_link_loop_is_an_error_not_a_hang()
    {
        var x = Path.Combine(_outside, "x");
        var y = Path.Combine(_outside, "y");
        File.CreateSymbolicLink(x, y);
        File.CreateSymbolicLink(y, x);
        Assert.Throws<IOException>(() => PathContainment.RealPath(Path.Combine(x, "z")));
    }
}
