// The Broden on-disk format as this reader understands it. Any writer (e.g. the synthetic world) must match these rules.
//
//   <root>/index.csv    header: image,split,ih,iw,sh,sw,<category>... (category columns are taken from the header, any names)
//                       one row per image; ih,iw,sh,sw positive integers; sh x sw = segmentation size.
//                       a category cell holds ';'-separated entries, possibly none:
//                         * an integer  = image-level label (scene, texture): counts as every pixel of the image;
//                         * otherwise   = a PNG path relative to images/, one label plane (several entries = several planes).
//   <root>/images/      the images and segmentation PNGs (index.csv paths are relative to this folder).
//   segmentation PNG    label = R + 256*G of each pixel (B and alpha ignored); 0 = unlabelled. If the PNG's size is not
//                       sh x sw it is nearest-resized to sh x sw (source = floor((t + 0.5) * src / dst)).
//                       RGB, RGBA and exact palette PNGs all read the same. Writers: save as 8-bit RGB (PngColorType.Rgb);
//                       ImageSharp's palette encoder quantises (5 bits/channel) and merges near labels, e.g. 4 -> 1.
//   <root>/label.csv    header: number,name,category,frequency,coverage,syns. category like "material(36);object(3)":
//                       the primary category is the one with the largest count (first on ties); a bare "object" counts 1.
//                       Row 0 ('-') is optional; numbers need not be dense (gaps are unknown labels).
//   <root>/category.csv name,first,last,count,frequency          (optional; validated when present)
//   <root>/c_<cat>.csv  code,number,name,frequency,coverage      (optional; numbers must exist in label.csv)
//   CSV: RFC 4180 quoting (fields with commas or quotes are double-quoted, "" escapes a quote), UTF-8, '\n' or '\r\n'.
using System.Globalization;

namespace Dissection.Core.Datasets;

internal static class BrodenFormat
{
    public static readonly string[] FixedIndexColumns = ["image", "split", "ih", "iw", "sh", "sw"];
    public static readonly string[] LabelColumns = ["number", "name", "category", "frequency", "coverage", "syns"];
    public const string ImagesFolder = "images";

    /// <summary>Pixel label of a segmentation PNG pixel.</summary>
    public static int DecodeLabel(byte r, byte g) => r + 256 * g;

    /// <summary>The category with the largest parenthesised count, e.g. "material(36);object(3)" gives "material".</summary>
    public static string PrimaryCategory(string field)
    {
        string best = "";
        long bestCount = long.MinValue;
        foreach (var raw in field.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = raw;
            long count = 1;
            int open = raw.IndexOf('(');
            if (open >= 0 && raw.EndsWith(')'))
            {
                name = raw[..open].Trim();
                if (!long.TryParse(raw[(open + 1)..^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out count))
                    count = 1;
            }
            if (count > bestCount) { best = name; bestCount = count; }
        }
        return best;
    }

    /// <summary>An index.csv cell entry that is an image-level label number.</summary>
    public static bool TryParseLabelNumber(string entry, out int number) =>
        int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out number);
}
