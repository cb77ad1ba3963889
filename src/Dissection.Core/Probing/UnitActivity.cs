// How strongly one unit fires on one image, measured against its dissection threshold: a ratio above 1 means the unit's
// peak reaches the activation level that defines its mask, so it "sees" its concept somewhere in the image.
namespace Dissection.Core.Probing;

/// <param name="Peak">The largest activation of the unit's map on the image.</param>
/// <param name="Threshold">The unit's stored dissection threshold (its top-quantile activation level).</param>
/// <param name="Ratio">Peak / Threshold.</param>
public sealed record UnitActivity(int Unit, float Peak, float Threshold, float Ratio);
