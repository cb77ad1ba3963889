// Opening a malformed dataset fails before a run with a DatasetFormatException that names the file and the line.
using Dissection.Core.Datasets;

namespace Dissection.Core.Tests.Datasets;

public sealed class DatasetValidationTests : IDisposable
{
    readonly BrodenFixture _fixture = new();
    public void Dispose() => _fixture.Dispose();

    const string GoodA = "a.png,train,8,8,4,4,a_color.png,a_object.png,,,5,6";

    DatasetFormatException OpenFails() =>
        Assert.Throws<DatasetFormatException>(() => ConceptDataset.Open(_fixture.Root));

    [Fact]
    public void Wrong_column_count_names_index_csv_and_line()
    {
        _fixture.WriteIndex(GoodA, "sub/b.png,val,8,8,4,4,,,,5,6");
        var e = OpenFails();
        Assert.Contains("index.csv, line 3", e.Message);
        Assert.Contains("11 columns", e.Message);
    }

    [Fact]
    public void Non_numeric_size_names_the_column_and_line()
    {
        _fixture.WriteIndex("a.png,train,eight,8,4,4,,,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 2", e.Message);
        Assert.Contains("ih 'eight'", e.Message);
    }

    [Fact]
    public void Missing_image_names_the_file_and_line()
    {
        _fixture.WriteIndex(GoodA, "nothere.jpg,train,8,8,4,4,,,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 3", e.Message);
        Assert.Contains("nothere.jpg", e.Message);
    }

    [Fact]
    public void Missing_segmentation_names_the_file_and_line()
    {
        _fixture.WriteIndex(GoodA, "sub/b.png,val,8,8,4,4,,gone_object.png,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 3", e.Message);
        Assert.Contains("object segmentation file 'gone_object.png'", e.Message);
    }

    [Fact]
    public void Unknown_image_level_label_is_caught_at_open()
    {
        _fixture.WriteIndex(GoodA, "sub/b.png,val,8,8,4,4,,,,,5,999");
        var e = OpenFails();
        Assert.Contains("index.csv, line 3", e.Message);
        Assert.Contains("texture label 999", e.Message);
    }

    [Fact]
    public void Unknown_label_inside_a_png_is_caught_when_labels_are_loaded()
    {
        BrodenFixture.WriteLabelPng(Path.Combine(_fixture.Images, "a_object.png"), 4, 4,
            [0, 0, 0, 0, 0, 777, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        var ds = ConceptDataset.Open(_fixture.Root);                    // PNG contents are checked lazily
        var e = Assert.Throws<DatasetFormatException>(() => ds.LoadLabels(ds.Images[0]));
        Assert.Contains("a_object.png", e.Message);
        Assert.Contains("label 777", e.Message);
        Assert.Contains("(1,1)", e.Message);
    }

    [Fact]
    public void Corrupt_png_names_the_file_when_labels_are_loaded()
    {
        File.WriteAllBytes(Path.Combine(_fixture.Images, "a_part.png"), [1, 2, 3, 4, 5]);
        var ds = ConceptDataset.Open(_fixture.Root);
        var e = Assert.Throws<DatasetFormatException>(() => ds.LoadLabels(ds.Images[0]));
        Assert.Contains("a_part.png", e.Message);
    }

    [Fact]
    public void Malformed_label_csv_row_names_file_and_line()
    {
        File.AppendAllText(Path.Combine(_fixture.Root, "label.csv"), "x7,bad,object(1),1,0.1,bad\n");
        var e = OpenFails();
        Assert.Contains("label.csv, line 9", e.Message);
    }

    [Fact]
    public void Category_code_file_with_an_unknown_number_names_file_and_line()
    {
        File.AppendAllText(Path.Combine(_fixture.Root, "c_object.csv"), "3,42,ghost,1,0.1\n");
        var e = OpenFails();
        Assert.Contains("c_object.csv, line 4", e.Message);
        Assert.Contains("42", e.Message);
    }

    [Fact]
    public void Unterminated_quote_names_the_line_it_starts_on()
    {
        _fixture.WriteIndex(GoodA, "\"sub/b.png,val,8,8,4,4,,,,,,");
        var e = OpenFails();
        Assert.Contains("index.csv, line 3", e.Message);
    }

    [Fact]
    public void Header_without_the_fixed_columns_is_rejected()
    {
        File.WriteAllText(Path.Combine(_fixture.Root, "index.csv"), "image,split,ih,iw,object\na.png,train,8,8,\n");
        var e = OpenFails();
        Assert.Contains("index.csv, line 1", e.Message);
    }

    [Fact]
    public void Missing_dataset_folder_is_a_format_error()
    {
        var e = Assert.Throws<DatasetFormatException>(() => ConceptDataset.Open(Path.Combine(_fixture.Root, "nope")));
        Assert.Contains("nope", e.Message);
    }
}
