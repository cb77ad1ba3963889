// The rules a dissection method follows, in one record that the pipeline consults (DissectionSettings.Rules), stored
// with every run and written into its export, so a stored run says exactly how its numbers were made.
//   PNAS 2020 (davidbau/dissect): threshold over the upsampled maps; zero-padded bilinear upsampling rounded to fp16;
//     a concept counts once per pixel; the unit-mask term counts every image; ties go to the lower label number.
//   CVPR 2017 (CSAILVision/NetDissect-Lite, feature_operation.py and loader/data_loader.py): threshold over the raw
//     maps; PIL bilinear upsampling (half-pixel centres, edge clamp, no fp16 rounding); a label counts once per plane
//     it is on; the unit-mask term of a label of primary category K counts the images where the mask touches a label
//     of primary category K or the image has an image-level label of K; primary category = highest c_*.csv coverage;
//     IoU = I / (A + G - I + 1e-10); the best category wins, ties to the later category. README.md has the details.
namespace Dissection.Core.Tallies;

/// <summary>How a unit's map is brought to the segmentation size.</summary>
public enum MapUpsampling
{
    /// <summary>Bilinear, pixel centres aligned, zero padding (the outer half-pixel blends toward 0); result rounded to fp16.</summary>
    ZeroPadded,
    /// <summary>PIL's bilinear resize of a float image: half-pixel centres, edges clamped, double sums rounded to
    /// float32 after each axis (horizontal first); not rounded to fp16.</summary>
    PilBilinear,
}

/// <summary>Which values the top-q threshold is taken over.</summary>
public enum ThresholdValues { Upsampled, Raw }

/// <summary>How a label on several planes of one pixel (or also an image-level label of the image) is counted.</summary>
public enum LabelCounting
{
    /// <summary>Once per pixel, however many planes carry it.</summary>
    OncePerPixel,
    /// <summary>Once per plane (and once per image-level entry): Lite's bincount over the stacked planes.</summary>
    PerPlane,
}

/// <summary>Over which images a unit's mask pixels count in the union of its IoU with a label.</summary>
public enum MaskArea
{
    /// <summary>Every image.</summary>
    AllImages,
    /// <summary>For a label of primary category K: the images where the mask touches a pixel carrying, on any plane,
    /// a label of primary category K, or that have an image-level label of K.</summary>
    CategoryTouched,
}

/// <summary>Which category is a label's primary one.</summary>
public enum PrimaryCategory
{
    /// <summary>The largest count in label.csv's category field, the first on ties.</summary>
    LabelCount,
    /// <summary>The highest coverage in the c_*.csv files, the later category (category.csv order) on ties; labels
    /// in no c_*.csv file go to the last category.</summary>
    Coverage,
}

/// <summary>Which concept is a unit's label when IoUs tie.</summary>
public enum LabelTies
{
    /// <summary>The lower label number.</summary>
    LowerNumber,
    /// <summary>The concept of the later category (category order), then the lower label number.</summary>
    LaterCategory,
}

/// <param name="Name">The rule set's name ("pnas", "cvpr17-lite").</param>
/// <param name="IouEpsilon">Added to the IoU's denominator (Lite adds 1e-10; on ties it favours the larger union).</param>
public sealed record MethodRules(
    string Name,
    ThresholdValues ThresholdOver,
    MapUpsampling Upsampling,
    LabelCounting LabelCounting,
    MaskArea MaskArea,
    PrimaryCategory PrimaryCategory,
    double IouEpsilon,
    LabelTies LabelTies)
{
    public static readonly MethodRules Pnas = new("pnas", ThresholdValues.Upsampled, MapUpsampling.ZeroPadded,
        LabelCounting.OncePerPixel, MaskArea.AllImages, PrimaryCategory.LabelCount, 0, LabelTies.LowerNumber);

    public static readonly MethodRules Cvpr17 = new("cvpr17-lite", ThresholdValues.Raw, MapUpsampling.PilBilinear,
        LabelCounting.PerPlane, MaskArea.CategoryTouched, PrimaryCategory.Coverage, 1e-10, LabelTies.LaterCategory);
}
