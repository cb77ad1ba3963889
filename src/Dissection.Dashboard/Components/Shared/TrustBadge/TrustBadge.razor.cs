// The trust badge's text and tooltip, from the unit's label, IoU and reliability.
using Dissection.Core.Dissection;
using Microsoft.AspNetCore.Components;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class TrustBadge
{
    /// <summary>The unit's label; no badge when null.</summary>
    [Parameter] public string? Label { get; set; }
    [Parameter] public double Iou { get; set; }
    /// <summary>null: not measured.</summary>
    [Parameter] public LabelReliability? Reliability { get; set; }

    /// <summary>strong, weak, unstable or unmeasured (the gallery's trust filter names).</summary>
    private string Name => Reliability is { } q ? q.Trust(Iou).ToString().ToLowerInvariant() : "unmeasured";

    private string Text => Reliability is null ? "not measured" : Name;

    private string Reason => Reliability is { } q
        ? q.Reason(Label!, Iou)
        : "not measured: this run was dissected before label reliability was measured; dissect it again to measure it";
}
