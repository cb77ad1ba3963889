// Reading a Broden folder: categories from the header, concepts with primary categories, exact pixel labels.
using Dissection.Core.Datasets;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Datasets;

public sealed class BrodenReaderTests : IDisposable
{
    readonly BrodenFixture _fixture = new();
    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void Categories_and_images_come_from_index_csv()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        Assert.True(ds.HasLabels);
        Assert.Equal(["color", "object", "material", "part", "scene", "texture"], ds.Categories);
        Assert.Equal(3, ds.Images.Count);
        Assert.Equal(new DatasetImage(0, "a.png", "train", 8, 8, 4, 4, 5), ds.Images[0]);
        Assert.Equal(new DatasetImage(1, "sub/b.png", "val", 8, 8, 4, 4, 5), ds.Images[1]);
        Assert.Equal(new DatasetImage(2, "c, d.png", "train", 8, 8, 4, 4, null), ds.Images[2]);
        Assert.Equal(Path.Combine(_fixture.Images, "sub/b.png"), ds.ImagePath(ds.Images[1]));
    }

    [Fact]
    public void Concepts_are_indexed_by_number_with_primary_category_and_quoted_names()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        Assert.Equal(301, ds.Concepts.Count);
        Assert.Equal(new Concept(0, "-", ""), ds.Concepts[0]);
        Assert.Equal(new Concept(1, "red", "color"), ds.Concepts[1]);
        Assert.Equal(new Concept(3, "wood", "material"), ds.Concepts[3]);        // material(36) beats object(3)
        Assert.Equal(new Concept(4, "door, front", "part"), ds.Concepts[4]);     // part(7) beats object(2), name has a comma
        Assert.Equal(new Concept(300, "lamp", "object"), ds.Concepts[300]);
        Assert.Equal("", ds.Concepts[150].Name);                                 // a gap in the numbering
    }

    [Fact]
    public void Label_png_stores_R_plus_256_G()
    {
        using var png = Image.Load<Rgb24>(Path.Combine(_fixture.Images, "a_object.png"));
        Assert.Equal(new Rgb24(44, 1, 0), png[1, 1]);                            // 300 = 44 + 256 * 1
    }

    [Fact]
    public void Pixel_planes_are_read_back_exactly_in_header_order()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        var labels = ds.LoadLabels(ds.Images[0]);
        Assert.Equal(4, labels.SegHeight);
        Assert.Equal(4, labels.SegWidth);
        Assert.Equal(4, labels.Planes.Count);
        Assert.Equal(BrodenFixture.ColorPlane4x4, labels.Planes[0]);             // 2x2 PNG nearest-resized to 4x4
        Assert.Equal(BrodenFixture.ObjectPlane, labels.Planes[1]);               // two planes in one cell
        Assert.Equal(BrodenFixture.ObjectPlane2, labels.Planes[2]);
        Assert.Equal(BrodenFixture.PartPlane, labels.Planes[3]);
        Assert.Equal([5, 6], labels.ImageLabels);
        Assert.Equal(["color", "object", "part", "scene", "texture"], labels.Categories); // material cell was empty
    }

    [Fact]
    public void A_cell_can_mix_image_level_labels_and_pngs()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        var labels = ds.LoadLabels(ds.Images[1]);
        Assert.Single(labels.Planes);
        Assert.Equal(BrodenFixture.TexturePlane, labels.Planes[0]);
        Assert.Equal([5, 6], labels.ImageLabels);
        Assert.Equal(["scene", "texture"], labels.Categories);
    }

    [Fact]
    public void An_image_with_only_empty_cells_has_no_labels()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        var labels = ds.LoadLabels(ds.Images[2]);
        Assert.Empty(labels.Planes);
        Assert.Empty(labels.ImageLabels);
        Assert.Empty(labels.Categories);
    }

    [Fact]
    public void Category_columns_are_not_hard_coded()
    {
        File.WriteAllText(Path.Combine(_fixture.Root, "index.csv"),
            "image,split,ih,iw,sh,sw,object,scene\na.png,train,8,8,4,4,a_object.png,5\n");
        var ds = ConceptDataset.Open(_fixture.Root);
        Assert.Equal(["object", "scene"], ds.Categories);
        var labels = ds.LoadLabels(ds.Images[0]);
        Assert.Equal(BrodenFixture.ObjectPlane, labels.Planes.Single());
        Assert.Equal(5, ds.Images[0].SceneLabel);
    }

    [Fact]
    public void Rgba_and_palette_pngs_give_the_same_labels()
    {
        using (var rgba = new Image<Rgba32>(4, 4))
        {
            for (int i = 0; i < 16; i++)
            {
                int n = BrodenFixture.ObjectPlane[i];
                rgba[i % 4, i / 4] = new Rgba32((byte)(n % 256), (byte)(n / 256), 0, 255);
            }
            rgba.SaveAsPng(Path.Combine(_fixture.Images, "a_object.png"));
        }
        // Palette PNG: 0 -> (0,0,0), 1 -> (4,0,0) = label 4. Built by hand: ImageSharp's quantizer merges near colours.
        File.WriteAllBytes(Path.Combine(_fixture.Images, "a_part.png"),
            RawPng.Palette(4, 4, [(0, 0, 0), (4, 0, 0)], BrodenFixture.PartPlane.Select(n => (byte)(n == 4 ? 1 : 0)).ToArray()));
        var ds = ConceptDataset.Open(_fixture.Root);
        var labels = ds.LoadLabels(ds.Images[0]);
        Assert.Equal(BrodenFixture.ObjectPlane, labels.Planes[1]);
        Assert.Equal(BrodenFixture.PartPlane, labels.Planes[3]);
    }

    [Fact]
    public void Images_of_another_dataset_are_refused()
    {
        var ds = ConceptDataset.Open(_fixture.Root);
        var stranger = ds.Images[0] with { Path = "elsewhere.png" };
        Assert.Throws<ArgumentException>(() => ds.LoadLabels(stranger));
        Assert.Throws<ArgumentException>(() => ds.LoadImage(stranger with { Index = 99 }, 4));
    }

    [Fact]
    public void Nearest_resize_takes_the_pixel_under_each_target_centre()
    {
        // 3 -> 5: centres (t + 0.5) * 3 / 5 = 0.3, 0.9, 1.5, 2.1, 2.7 -> sources 0, 0, 1, 2, 2.
        int[] src = [1, 2, 3];
        Assert.Equal([1, 1, 2, 3, 3], SegmentationDecoding.NearestResize(src, 1, 3, 1, 5));
        Assert.Equal([1, 3], SegmentationDecoding.NearestResize(src, 1, 3, 1, 2));
    }
}
