// A tiny Broden dataset written to a temp folder, with every quirk the reader must handle: several planes in one cell,
// PNGs mixed with integers, image-level scene/texture labels, empty cells, segmentations smaller than sh x sw,
// quoted CSV fields (commas, escaped quotes) and multi-category labels in label.csv.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Datasets;

internal sealed class BrodenFixture : IDisposable
{
    public string Root { get; }
    public string Images => Path.Combine(Root, "images");

    public const string Header = "image,split,ih,iw,sh,sw,color,object,material,part,scene,texture";

    // 4x4 object plane of image a: includes label 300 (R=44, G=1) to check R + 256*G.
    public static readonly int[] ObjectPlane = [0, 0, 2, 2, 0, 300, 300, 2, 0, 300, 0, 0, 2, 2, 0, 0];
    public static readonly int[] ObjectPlane2 = [300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
    public static readonly int[] PartPlane = [4, 4, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    // 2x2 color plane for a 4x4 segmentation: must be nearest-upsized to 4x4.
    public static readonly int[] ColorPlane2x2 = [1, 0, 0, 1];
    public static readonly int[] ColorPlane4x4 = [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1];
    public static readonly int[] TexturePlane = [6, 6, 6, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public BrodenFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "broden-fixture-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Images, "sub"));

        File.WriteAllText(Path.Combine(Root, "label.csv"),
            "number,name,category,frequency,coverage,syns\n" +
            "1,red,color(5),5,0.5,red\n" +
            "2,sky,object(3),3,0.3,\"sky;heavens\"\n" +
            "3,wood,\"material(36);object(3)\",39,0.2,wood\n" +
            "4,\"door, front\",\"object(2);part(7)\",9,0.1,\"door, front;entrance\"\n" +
            "5,kitchen,scene(2),2,1.0,\"kitchen \"\"big\"\"\"\n" +
            "6,striped,texture(2),2,0.6,striped\r\n" +
            "300,lamp,object(1),1,0.05,lamp\n");
        File.WriteAllText(Path.Combine(Root, "category.csv"),
            "name,first,last,count,frequency\ncolor,1,1,1,1\nobject,2,300,3,3\nmaterial,3,3,1,1\npart,4,4,1,1\nscene,5,5,1,2\ntexture,6,6,1,2\n");
        File.WriteAllText(Path.Combine(Root, "c_object.csv"),
            "code,number,name,frequency,coverage\n1,2,sky,3,0.3\n2,300,lamp,1,0.05\n");

        WriteSolidImage(Path.Combine(Images, "a.png"), 8, 8, new Rgb24(10, 20, 30));
        WriteSolidImage(Path.Combine(Images, "sub", "b.png"), 8, 8, new Rgb24(200, 100, 50));
        WriteSolidImage(Path.Combine(Images, "c, d.png"), 8, 8, new Rgb24(0, 0, 0));
        WriteLabelPng(Path.Combine(Images, "a_object.png"), 4, 4, ObjectPlane);
        WriteLabelPng(Path.Combine(Images, "a_object2.png"), 4, 4, ObjectPlane2);
        WriteLabelPng(Path.Combine(Images, "a_part.png"), 4, 4, PartPlane);
        WriteLabelPng(Path.Combine(Images, "a_color.png"), 2, 2, ColorPlane2x2);
        WriteLabelPng(Path.Combine(Images, "sub", "b_tex.png"), 4, 4, TexturePlane);

        WriteIndex(
            "a.png,train,8,8,4,4,a_color.png,a_object.png;a_object2.png,,a_part.png,5,6",
            "sub/b.png,val,8,8,4,4,,,,,5,6;sub/b_tex.png",
            "\"c, d.png\",train,8,8,4,4,,,,,,");
    }

    public void WriteIndex(params string[] rows) =>
        File.WriteAllText(Path.Combine(Root, "index.csv"), Header + "\n" + string.Join("\n", rows) + "\n");

    public static void WriteSolidImage(string path, int width, int height, Rgb24 colour)
    {
        using var image = new Image<Rgb24>(width, height, colour);
        image.Save(path);
    }

    /// <summary>Writes labels as R = n % 256, G = n / 256, the Broden encoding.</summary>
    public static void WriteLabelPng(string path, int width, int height, int[] labels)
    {
        using var image = new Image<Rgb24>(width, height);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int n = labels[y * width + x];
                image[x, y] = new Rgb24((byte)(n % 256), (byte)(n / 256), 0);
            }
        image.SaveAsPng(path);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
