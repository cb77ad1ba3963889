// A whole run as a static HTML report (zip) that opens from disk without the app: relative links, inline CSS,
// one gallery strip per unit. (Layer CSV/JSON come from Core's RunExport, the `dissect export` shapes.)
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Gallery;

namespace Dissection.Dashboard.Services;

public sealed class ExportService(StoreAccess store, ThumbnailService thumbnails)
{
    /// <summary>Writes index.html, one page per layer and images/ with one gallery strip per unit.</summary>
    public void WriteReport(RunInfo run, Stream output, int stripImages = 8, int size = 96)
    {
        var layers = store.Read(s => s.GetLayers(run.Id, includeUnits: true));
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var index = new StringBuilder();
        index.Append(Head($"{run.Name}: dissection report"));
        index.Append($"<h1>{H(run.Name)}</h1><p class=meta>Model <b>{H(run.Model)}</b> on <b>{H(run.Dataset)}</b> · {run.Images} images · quantile {F(run.Settings.Quantile)} · IoU &gt; {F(run.Settings.IouThreshold)}</p>");
        index.Append("<table><tr><th>Layer</th><th>Units</th><th>Detectors</th><th>Unique concepts</th><th>Detectors per category</th></tr>");
        foreach (var layer in layers)
        {
            var units = layer.Units.Select(u => new GalleryUnit(u.Unit, u.Label?.Name, u.Label?.Category, u.Label?.Iou ?? 0, u.Threshold,
                u.IsDetector(run.Settings.IouThreshold), u.TopImages.Count)).ToList();
            var counts = ConceptHistogram.PerCategory(layer.Layer, units);
            var bar = string.Concat(CategoryPalette.Sort(counts.DetectorsPerCategory.Keys).Select(c =>
                $"<span class=seg style=\"width:{counts.DetectorsPerCategory[c] * 300 / Math.Max(1, units.Count)}px;background:{CategoryPalette.ColorOf(c)}\" title=\"{H(c)}: {counts.DetectorsPerCategory[c]}\"></span>"));
            index.Append($"<tr><td><a href=\"{LayerFile(layer.Layer)}\">{H(layer.Layer)}</a></td><td>{units.Count}</td><td>{counts.Detectors}</td><td>{counts.UniqueConcepts}</td><td>{bar}</td></tr>");
            WriteLayer(zip, run, layer, stripImages, size);
        }
        index.Append("</table>");
        index.Append("<p class=legend>" + string.Concat(CategoryPalette.Order.Select(c => $"<span class=chip style=\"background:{CategoryPalette.ColorOf(c)}\">{c}</span> ")) + "</p>");
        index.Append("</body></html>");
        Add(zip, "index.html", index.ToString());
    }

    private void WriteLayer(ZipArchive zip, RunInfo run, LayerResult layer, int stripImages, int size)
    {
        var page = new StringBuilder(Head($"{run.Name} · {layer.Layer}"));
        page.Append($"<p><a href=\"index.html\">&larr; {H(run.Name)}</a></p><h1>{H(layer.Layer)}</h1>");
        page.Append($"<p class=meta>{layer.Units.Count} units · shape {string.Join("×", layer.Shape)} · sorted by IoU</p>");
        foreach (var u in layer.Units.OrderByDescending(u => u.Label?.Iou ?? 0).ThenBy(u => u.Unit))
        {
            var img = $"images/{Slug(layer.Layer)}/unit-{u.Unit:D4}.png";
            if (u.TopImages.Count > 0)
            {
                var strip = thumbnails.Strip(run, layer.Layer, u, stripImages, size);
                var entry = zip.CreateEntry(img, CompressionLevel.NoCompression);
                using var s = entry.Open();
                s.Write(strip.Png);
            }
            var label = u.Label is { } l
                ? $"<span class=chip style=\"background:{CategoryPalette.ColorOf(l.Category)}\">{H(l.Category)}</span> <b>{H(l.Name)}</b> IoU {F(l.Iou)}"
                : "<i>no label</i>";
            var dim = u.IsDetector(run.Settings.IouThreshold) ? "" : " class=weak";
            page.Append($"<div class=unit><div{dim}><b>unit {u.Unit}</b><br>{label}</div>");
            if (u.TopImages.Count > 0) page.Append($"<img loading=lazy src=\"{img}\" alt=\"unit {u.Unit}\">");
            page.Append("</div>");
        }
        page.Append("</body></html>");
        Add(zip, LayerFile(layer.Layer), page.ToString());
    }

    private static string Head(string title) =>
        $"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{H(title)}</title><style>" +
        "body{font-family:system-ui,sans-serif;margin:24px;color:#222}h1{font-weight:500}.meta{color:#666}" +
        "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #eee;text-align:left}" +
        ".seg{display:inline-block;height:12px}.chip{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px}" +
        ".unit{display:flex;gap:12px;align-items:center;border-bottom:1px solid #eee;padding:6px 0}.unit>div{width:220px;flex:none}" +
        ".unit img{max-width:calc(100% - 240px)}.weak{opacity:.6}a{color:#3a6fd8}</style></head><body>";

    internal static string LayerFile(string layer) => $"layer-{Slug(layer)}.html";

    internal static string Slug(string s) => string.Concat(s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static void Add(ZipArchive zip, string name, string text)
    {
        using var w = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
        w.Write(text);
    }

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

}
