// A small hand-made Broden folder with every quirk that separates NetDissect-Lite's rules from ours (issue 19): a label
// (window) on an object plane and a part plane, with higher coverage as a part; a label (door) whose coverage ties
// between object and part; a label (ghost) in no c_*.csv; image-level scene labels (one image has two); objects and
// parts annotated in some images only; two object planes in one cell; category.csv listing the categories in another
// order than index.csv; and hand-made activations (3x3 maps, 8x8 segmentations) with a dead unit (unit 0).
// Tie(): a folder where two labels of two categories cover the same pixels, so every unit's IoUs with them tie exactly.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Tests.Datasets;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Dissection;

internal sealed class LiteFixture : IDisposable
{
    public const int Seg = 8, Map = 3, Units = 5, DeadUnit = 0;
    public const string Layer = "conv";
    public string Root { get; }
    public int Images { get; }
    /// <summary>Image index -> [unit, y, x] activations (multiples of 1/8, exact in fp16).</summary>
    public Dictionary<int, float[,,]> Maps { get; } = [];

    private LiteFixture(int images)
    {
        Images = images;
        Root = Path.Combine(Path.GetTempPath(), "lite-fixture-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Root, "images"));
    }

    /// <summary>Labels a (object, number 1) and b (part, number 2) on the same pixels of every image, one plane each.</summary>
    public static LiteFixture Tie(int seed, int images = 6)
    {
        var f = new LiteFixture(images);
        var rng = new Random(seed);
        File.WriteAllText(Path.Combine(f.Root, "label.csv"), "number,name,category,frequency,coverage,syns\n1,a,object(1),6,0.1,a\n2,b,part(1),6,0.1,b\n");
        File.WriteAllText(Path.Combine(f.Root, "category.csv"), "name,first,last,count,frequency\nobject,1,1,1,6\npart,2,2,1,6\n");
        File.WriteAllText(Path.Combine(f.Root, "c_object.csv"), "code,number,name,frequency,coverage\n1,1,a,6,0.1\n");
        File.WriteAllText(Path.Combine(f.Root, "c_part.csv"), "code,number,name,frequency,coverage\n1,2,b,6,0.1\n");
        var rows = new List<string>();
        for (var i = 0; i < images; i++)
        {
            BrodenFixture.WriteSolidImage(Path.Combine(f.Root, "images", $"{i}.png"), Seg, Seg, new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 0, 0));
            var a = Blocks(rng, [0, 1]);
            BrodenFixture.WriteLabelPng(Path.Combine(f.Root, "images", $"{i}_a.png"), Seg, Seg, a);
            BrodenFixture.WriteLabelPng(Path.Combine(f.Root, "images", $"{i}_b.png"), Seg, Seg, a.Select(v => v * 2).ToArray());
            rows.Add($"{i}.png,train,{Seg},{Seg},{Seg},{Seg},{i}_a.png,{i}_b.png");
            f.Maps[i] = RandomMaps(rng);
        }
        File.WriteAllText(Path.Combine(f.Root, "index.csv"), "image,split,ih,iw,sh,sw,object,part\n" + string.Join("\n", rows) + "\n");
        return f;
    }

    public LiteFixture(int seed, int images = 10) : this(images)
    {
        var rng = new Random(seed);
        File.WriteAllText(Path.Combine(Root, "label.csv"), """
            number,name,category,frequency,coverage,syns
            1,red,color(9),9,0.3,red
            2,blue,color(9),9,0.2,blue
            3,sky,object(5),5,0.2,sky
            4,window,object(5);part(2),5,0.1,window
            5,door,object(3);part(3),3,0.05,door
            6,wall,object(4),4,0.1,wall
            7,kitchen,scene(5),5,1.0,kitchen
            8,street,scene(3),3,1.0,street
            9,ghost,object(1),1,0.01,ghost

            """.Replace("\r", ""));
        File.WriteAllText(Path.Combine(Root, "category.csv"), "name,first,last,count,frequency\ncolor,1,2,2,9\nobject,3,9,5,5\npart,4,5,2,2\nscene,7,8,2,5\n");
        File.WriteAllText(Path.Combine(Root, "c_color.csv"), "code,number,name,frequency,coverage\n1,1,red,9,0.3\n2,2,blue,9,0.2\n");
        File.WriteAllText(Path.Combine(Root, "c_object.csv"), "code,number,name,frequency,coverage\n1,3,sky,5,0.2\n2,4,window,5,0.04\n3,5,door,3,0.05\n4,6,wall,4,0.1\n");
        File.WriteAllText(Path.Combine(Root, "c_part.csv"), "code,number,name,frequency,coverage\n1,4,window,2,0.08\n2,5,door,3,0.05\n");
        File.WriteAllText(Path.Combine(Root, "c_scene.csv"), "code,number,name,frequency,coverage\n1,7,kitchen,5,0.5\n2,8,street,3,0.3\n");

        var rows = new List<string>();
        for (var i = 0; i < images; i++)
        {
            BrodenFixture.WriteSolidImage(Path.Combine(Root, "images", $"{i}.png"), Seg, Seg, new SixLabors.ImageSharp.PixelFormats.Rgb24(0, 0, 0));
            string Plane(string name, int[] choices)
            {
                var labels = Blocks(rng, choices);
                BrodenFixture.WriteLabelPng(Path.Combine(Root, "images", $"{i}_{name}.png"), Seg, Seg, labels);
                return $"{i}_{name}.png";
            }
            var color = Plane("color", [0, 1, 2]);
            var objects = new List<string>();
            int[] objectPlane = [];
            if (i % 3 != 2)
            {
                objects.Add(Plane("object", [0, 3, 4, 4, 5, 6, 9]));
                objectPlane = ReadBack(Path.Combine(Root, "images", objects[0]));
            }
            if (i == 4) objects.Add(Plane("object2", [0, 4, 6]));
            var part = "";
            if (i % 2 == 0)
            {
                // Window on the part plane where the object plane has it (half the time), plus doors and windows elsewhere.
                var labels = Blocks(rng, [0, 0, 5, 4]);
                for (var p = 0; p < labels.Length; p++) if (objectPlane.Length > 0 && objectPlane[p] == 4 && rng.Next(2) == 0) labels[p] = 4;
                BrodenFixture.WriteLabelPng(Path.Combine(Root, "images", $"{i}_part.png"), Seg, Seg, labels);
                part = $"{i}_part.png";
            }
            var scene = i == 1 ? "7;8" : i % 4 == 3 ? "" : i % 2 == 0 ? "7" : "8";
            rows.Add($"{i}.png,train,{Seg},{Seg},{Seg},{Seg},{string.Join(';', objects)},{color},{part},{scene}");

            Maps[i] = RandomMaps(rng);
        }
        File.WriteAllText(Path.Combine(Root, "index.csv"), "image,split,ih,iw,sh,sw,object,color,part,scene\n" + string.Join("\n", rows) + "\n");
    }

    /// <summary>[unit, y, x]: unit 0 dead (all 0), the others 40 % zeros and multiples of 1/8 up to 4.</summary>
    private static float[,,] RandomMaps(Random rng)
    {
        var maps = new float[Units, Map, Map];
        for (var u = 1; u < Units; u++)
            for (var y = 0; y < Map; y++) for (var x = 0; x < Map; x++)
                maps[u, y, x] = rng.Next(5) < 2 ? 0 : rng.Next(1, 33) / 8f;
        return maps;
    }

    private static int[] Blocks(Random rng, int[] choices)
    {
        var labels = new int[Seg * Seg];
        for (var by = 0; by < Seg; by += 2) for (var bx = 0; bx < Seg; bx += 2)
        {
            var c = choices[rng.Next(choices.Length)];
            for (var y = by; y < by + 2; y++) for (var x = bx; x < bx + 2; x++) labels[y * Seg + x] = c;
        }
        return labels;
    }

    private static int[] ReadBack(string png)
    {
        using var image = SixLabors.ImageSharp.Image.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(png);
        var labels = new int[Seg * Seg];
        for (var y = 0; y < Seg; y++) for (var x = 0; x < Seg; x++) labels[y * Seg + x] = image[x, y].R + 256 * image[x, y].G;
        return labels;
    }

    /// <summary>Runs the engine's pipeline on the folder, through the real Broden reader, with the method's rules;
    /// the "model" hands back the fixture's maps (each image's pixels carry its index).</summary>
    /// <param name="floorFactor">Below 1 the pass-1 floor lies above T, which forces threshold passes over the cache.</param>
    public LayerResult Dissect(DissectionSettings settings, double floorFactor = 4)
    {
        var dataset = ConceptDataset.Open(Root);
        var (concepts, categories) = DissectionRun.ConceptsFor(dataset, settings.Rules);
        var inputs = new DissectionInputs(
            dataset.Images,
            batch => new LoadedBatch(batch.ToList(), tensor(batch.Select(b => (float)b.Index).ToArray()).view(-1, 1, 1, 1), []),
            pixels =>
            {
                var indices = pixels.view(-1).data<float>().Select(v => (int)v).ToArray();
                var values = indices.SelectMany(i => Maps[i].Cast<float>()).ToArray();
                return new Dictionary<string, Tensor> { [Layer] = tensor(values, [indices.Length, Units, Map, Map]) };
            },
            dataset.LoadLabels,
            concepts,
            categories);
        return Assert.Single(DissectionPipeline.Run(inputs, [Layer], settings, null, default, null, floorFactor));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
