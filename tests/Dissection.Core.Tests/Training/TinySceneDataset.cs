// A Broden-format dataset of trivially learnable scenes for training tests: blue sky over green grass with a red car
// (metal, black wheels) at a random place. Labels are exact, like the world's, at image resolution.
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Core.Tests.Training;

internal sealed class TinySceneDataset : IDisposable
{
    public const int Sky = 1, Grass = 2, Car = 3, Wheel = 4, Metal = 5, Red = 6;
    private readonly TempDir _dir = new();

    public TinySceneDataset(int count, int size, int seed = 1)
    {
        var images = Path.Combine(Root, "images");
        Directory.CreateDirectory(images);
        System.IO.File.WriteAllText(Path.Combine(Root, "label.csv"), "number,name,category,frequency,coverage,syns\n" +
            "1,sky,object(1),1,0.5,sky\n2,grass,object(1),1,0.4,grass\n3,car,object(1),1,0.1,car\n" +
            "4,wheel,part(1),1,0.01,wheel\n5,metal,material(1),1,0.1,metal\n6,red,color(1),1,0.1,red\n");
        System.IO.File.WriteAllText(Path.Combine(Root, "category.csv"), "name,first,last,count,frequency\n" +
            "object,1,3,3,1\npart,4,4,1,1\nmaterial,5,5,1,1\ncolor,6,6,1,1\n");
        var rng = new Random(seed);
        var rows = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var obj = new int[size * size];
            var part = new int[size * size];
            var mat = new int[size * size];
            using var img = new Image<Rgb24>(size, size);
            int cw = size / 3, ch = size / 4;
            int cx = rng.Next(0, size - cw), cy = rng.Next(size / 2 - ch / 2, size - ch);
            for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
            {
                var k = y * size + x;
                var inCar = x >= cx && x < cx + cw && y >= cy && y < cy + ch;
                var wheel = inCar && y == cy + ch - 1;
                obj[k] = inCar ? Car : y < size / 2 ? Sky : Grass;
                part[k] = wheel ? Wheel : 0;
                mat[k] = inCar ? Metal : 0;
                img[x, y] = wheel ? new Rgb24(10, 10, 10) : inCar ? new Rgb24(200, 30, 30) : y < size / 2 ? new Rgb24(70, 120, 220) : new Rgb24(50, 160, 60);
            }
            var stem = $"{i:D4}";
            img.SaveAsPng(Path.Combine(images, stem + ".png"));
            WriteLabels(Path.Combine(images, stem + "_object.png"), size, obj);
            WriteLabels(Path.Combine(images, stem + "_part.png"), size, part);
            WriteLabels(Path.Combine(images, stem + "_material.png"), size, mat);
            rows.Add($"{stem}.png,{(i % 4 == 3 ? "val" : "train")},{size},{size},{size},{size},,{stem}_object.png,{stem}_material.png,{stem}_part.png,,");
        }
        System.IO.File.WriteAllText(Path.Combine(Root, "index.csv"), "image,split,ih,iw,sh,sw,color,object,material,part,scene,texture\n" + string.Join("\n", rows) + "\n");
    }

    public string Root => _dir.Path;
    public string File(string name) => _dir.File(name);

    private static void WriteLabels(string path, int size, int[] labels)
    {
        using var image = new Image<Rgb24>(size, size);
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
            image[x, y] = new Rgb24((byte)(labels[y * size + x] % 256), (byte)(labels[y * size + x] / 256), 0);
        image.SaveAsPng(path);
    }

    public void Dispose() => _dir.Dispose();
}
