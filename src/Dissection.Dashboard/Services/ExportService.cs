// A whole run as one self-contained HTML file that opens offline, from disk or a mail attachment: inline CSS in the
// dashboard's look, in-page links between the layers, and each unit's gallery strip. Nothing in it points at the app
// or the internet. Small because nothing is stored twice: each dataset image once as a JPEG thumbnail (data: URI in a
// CSS class; a top image recurs across many units), and per unit one transparent PNG strip of its masks laid over them. (Layer CSV/JSON come from Core's RunExport, the `dissect export` shapes.)
using System.Globalization;
using System.Net;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Api;
using Dissection.Dashboard.Gallery;
using Dissection.Core.Work;

namespace Dissection.Dashboard.Services;

public sealed class ExportService(StoreAccess store, ThumbnailService thumbnails)
{
    /// <summary>The phase named in the report's progress while strips are drawn.</summary>
    public const string StripPhase = "drawing gallery strips";

    /// <summary>
    /// Writes the report of <paramref name="run"/>: a summary table, then every layer's units best first, each with its
    /// label, IoU and top images (the gallery's strip, as JPEG). Progress counts units; cancelling stops between units.
    /// </summary>
    public void WriteReport(RunInfo run, TextWriter output, IProgress<DissectionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var layers = store.Read(s => s.Layers.GetLayers(run.Id, includeUnits: true));
        var total = layers.Sum(l => l.Units.Count);
        var done = 0;
        progress?.Report(new DissectionProgress(StripPhase, 0, total, 0));
        var started = Environment.TickCount64;

        output.Write(Head($"{run.Name}: dissection report"));
        output.Write($"<header class=bar id=\"top\"><span class=brand>Dissection</span><span class=sub>report</span></header><main>");
        output.Write($"<h1>{H(run.Name)}</h1><p class=meta>Model <b>{H(Security.ServerPathText.ForBrowser(run.Model))}</b> on <b>{H(Security.ServerPathText.ForBrowser(run.Dataset))}</b> · {run.Images} images · " +
                     $"top {F(run.Settings.Quantile * 100)} % · IoU &gt; {F(run.Settings.IouThreshold)}</p>");
        output.Write("<section class=card><h2>Layers</h2><div class=scroll><table><thead><tr><th scope=col>Layer</th><th scope=col>Units</th>" +
                     "<th scope=col>Detectors</th><th scope=col>Unique concepts</th><th scope=col>Detectors per category</th></tr></thead><tbody>");
        var galleries = new List<(LayerResult Layer, IReadOnlyList<GalleryUnit> Units)>();
        var strips = new Dictionary<string, string>();  // SHA-256 of a mask strip -> id of its first <img>
        var images = new HashSet<int>();                 // dataset images whose thumbnail class is written
        foreach (var layer in layers)
        {
            var units = layer.Units.Select(u => ResultsService.Summarize(u, run.Settings.IouThreshold)).ToList();
            galleries.Add((layer, units));
            var counts = ConceptHistogram.PerCategory(layer.Layer, units);
            var bar = string.Concat(CategoryPalette.Sort(counts.DetectorsPerCategory.Keys).Select(c =>
                $"<span class=seg style=\"width:{counts.DetectorsPerCategory[c] * 300 / Math.Max(1, units.Count)}px;background:{CategoryPalette.ColorOf(c)}\" " +
                $"title=\"{H(c)}: {counts.DetectorsPerCategory[c]}\"></span>"));
            output.Write($"<tr><td><a href=\"#{Anchor(layer.Layer)}\">{H(layer.Layer)}</a></td><td>{units.Count}</td><td>{counts.Detectors}</td>" +
                         $"<td>{counts.UniqueConcepts}</td><td class=bars>{bar}</td></tr>");
        }
        output.Write("</tbody></table></div><p class=legend>" +
                     string.Concat(CategoryPalette.Order.Select(c => $"<span class=chip style=\"background:{CategoryPalette.ColorOf(c)};color:{CategoryPalette.TextOn(c)}\">{c}</span> ")) +
                     "</p></section>");

        foreach (var (layer, units) in galleries)
        {
            output.Write($"<section class=card id=\"{Anchor(layer.Layer)}\"><h2>{H(layer.Layer)}</h2>");
            output.Write($"<p class=meta>{layer.Units.Count} units · shape {string.Join("×", layer.Shape)} · best IoU first · <a href=\"#top\">back to the top</a></p>");
            var byUnit = layer.Units.ToDictionary(u => u.Unit);
            foreach (var g in units.OrderByDescending(u => u.Iou).ThenBy(u => u.Unit))
            {
                cancel.ThrowIfCancellationRequested();
                WriteUnit(output, run, layer.Layer, byUnit[g.Unit], g, strips, images);
                done++;
                var seconds = (Environment.TickCount64 - started) / 1000.0;
                progress?.Report(new DissectionProgress(StripPhase, done, total, seconds > 0 ? done / seconds : 0));
            }
            output.Write("</section>");
        }
        output.Write("</main><script>document.querySelectorAll('img[data-copy]').forEach(i => i.src = document.getElementById(i.dataset.copy).src)</script>");
        output.Write($"<footer>Written by Dissection Dashboard on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. " +
                     "Units whose best IoU is under the cut-off are dimmed.</footer></body></html>");
        output.Flush();
    }

    private void WriteUnit(TextWriter output, RunInfo run, string layer, UnitResult unit, GalleryUnit g, Dictionary<string, string> strips, HashSet<int> images)
    {
        var label = g.Concept is { } name
            ? $"<div class=label>{H(name)}</div><span class=chip style=\"background:{CategoryPalette.ColorOf(g.Category)};color:{CategoryPalette.TextOn(g.Category)}\">{H(g.Category)}</span> <span class=iou>IoU {g.Iou.ToString("0.000", CultureInfo.InvariantCulture)}</span>"
            : "<div class=label><i>no label</i></div>";
        var bar = $"<div class=ioubar><span style=\"width:{Math.Min(100, g.Iou / 0.3 * 100).ToString("0", CultureInfo.InvariantCulture)}%;background:{CategoryPalette.ColorOf(g.Category)}\"></span></div>";
        output.Write($"<div class=unit><div class=\"info{(g.IsDetector ? "" : " weak")}\"><div class=num>unit {g.Unit}</div>{label}{bar}</div>");
        if (unit.TopImages.Count > 0)
        {
            var size = ApiEndpoints.StripSize;
            var tops = unit.TopImages.Take(ApiEndpoints.StripCount).ToList();
            // Each dataset image once, as a CSS class holding its plain JPEG thumbnail (top images recur across units).
            foreach (var t in tops.Where(t => images.Add(t.ImageIndex)))
                output.Write($"<style>.i{t.ImageIndex}{{background-image:url(data:image/jpeg;base64,{Convert.ToBase64String(thumbnails.Plain(run, t, size).Bytes)})}}</style>");
            var width = ThumbnailService.StripWidth(tops.Count, size);
            output.Write($"<div class=strip><div class=tiles style=\"width:{width}px\">");
            foreach (var t in tops) output.Write($"<span class=\"t i{t.ImageIndex}\"></span>");
            // Over them one transparent PNG per unit with its masks; a unit whose masks equal an earlier unit's (same
            // images, same regions) reuses that one's through the page's script.
            var masks = thumbnails.MaskStrip(run, layer, unit, tops.Count, size);
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(masks));
            var attributes = $"class=masks alt=\"top {tops.Count} images of unit {g.Unit}, outside its region dimmed\" width={width} height={size}";
            if (strips.TryGetValue(hash, out var first))
                output.Write($"<img {attributes} data-copy=\"{first}\">");
            else
            {
                var id = $"m{strips.Count}";
                strips[hash] = id;
                output.Write($"<img id=\"{id}\" {attributes} src=\"data:image/png;base64,{Convert.ToBase64String(masks)}\">");
            }
            output.Write("</div></div>");
        }
        else output.Write("<div class=\"strip meta\">no top images stored</div>");
        output.Write("</div>");
    }

    // The dashboard's colours and gallery rows (wwwroot/css/dashboard.css), without MudBlazor; narrow screens scroll
    // the strips, printing drops the bar and keeps rows whole.
    private static string Head(string title) =>
        $"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width, initial-scale=1\"><title>{H(title)}</title><style>" +
        "body{font-family:system-ui,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:0;background:#f6f7fb;color:#1f2937}" +
        ".bar{background:#24385f;color:#fff;padding:12px 24px;font-size:20px;box-shadow:0 1px 3px rgba(0,0,0,.2)}.bar .sub{opacity:.8;font-size:14px;margin-left:12px}" +
        "main{max-width:1400px;margin:0 auto;padding:8px 16px 48px}h1{font-weight:500;font-size:34px;margin:16px 0 4px}h2{font-weight:500;font-size:20px;margin:0 0 6px}" +
        ".meta,footer{color:#4b5563}footer{text-align:center;font-size:13px;padding:16px}" +
        ".card{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px;margin:16px 0}.scroll{overflow-x:auto}" +
        "table{border-collapse:collapse}td,th{padding:6px 12px;border-bottom:1px solid #eef0f4;text-align:left}.bars{white-space:nowrap}" +
        ".seg{display:inline-block;height:12px}.chip{display:inline-block;color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;line-height:18px}" +
        ".unit{display:flex;gap:16px;align-items:center;border-bottom:1px solid #eef0f4;padding:8px 0}.info{width:230px;flex:none}" +
        ".num{font-weight:600;font-size:15px}.label{font-size:15px;margin:2px 0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.iou{font-size:13px;color:#4b5563}" +
        ".ioubar{height:4px;background:#e5e7eb;border-radius:2px;margin-top:4px;width:160px}.ioubar span{display:block;height:4px;border-radius:2px}" +
        ".strip{flex:1;overflow-x:auto}.tiles{position:relative;display:flex;gap:2px;height:96px}" +
        ".t{flex:none;width:96px;height:96px;background:#e5e7eb;background-size:cover;-webkit-print-color-adjust:exact;print-color-adjust:exact}" +
        ".masks{position:absolute;left:0;top:0}.weak{opacity:.6}a{color:#2f4a8a}" +
        "@media (max-width:700px){.unit{flex-direction:column;align-items:flex-start}.strip{width:100%}}" +
        "@media print{.bar{display:none}body{background:#fff}.card{box-shadow:none;padding:0}.unit{break-inside:avoid}.strip{overflow:visible}}" +
        "</style></head><body>";

    /// <summary>The in-page anchor of a layer's section.</summary>
    internal static string Anchor(string layer) => "layer-" + Slug(layer);

    internal static string Slug(string s) => string.Concat(s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    private static string H(string? s) => WebUtility.HtmlEncode(s ?? "");
    private static string F(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
}
