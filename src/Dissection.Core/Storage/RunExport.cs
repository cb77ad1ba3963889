// Exports a stored run (or one layer of it) as JSON or CSV, streamed to a TextWriter, for the CLI and the dashboard.
// The JSON shape is a published contract: change it only by adding properties.
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dissection.Core.Dissection;
using Dissection.Core.Tallies;

namespace Dissection.Core.Storage;

public enum ExportFormat { Json, Csv }

public static class RunExport
{
    /// <summary>Writes the run in <paramref name="format"/>; <paramref name="layer"/> restricts it to one saved layer.</summary>
    /// <exception cref="ArgumentException">The run or the layer does not exist.</exception>
    public static void Write(ResultsStore store, long runId, ExportFormat format, TextWriter output, string? layer = null)
    {
        switch (format)
        {
            case ExportFormat.Json: WriteJson(store, runId, output, layer); break;
            case ExportFormat.Csv: WriteCsv(store, runId, output, layer); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, "unknown export format");
        }
    }

    /// <summary>
    /// {"run":{"id","model","dataset","status" (queued|running|done|failed|cancelled),"message","layersRequested":[...],
    ///  "method","quantile","iouThreshold","rules","images","attacks":[...],"ganExperiments":{...}},
    ///  "layers":[{"name","units":[{"unit","threshold","label","category","iou","top":[{"concept","category","iou"}],
    ///  "reliability":{...},"topImages":[{"image","activation"}]}]}]}; label, category and iou are null for a unit
    ///  without a label; reliability: see WriteReliability.
    /// A layer that was ablated also has "ablation":{"labelled","split","images","method","classes":[{"class","baseline",
    /// "importantUnits":[{"unit","drop","probabilityDrop"}],"curves":{"removeTop":[{"n","drop"}],"keepTop":[{"n","drop"}]}}],
    /// "units":[{"unit","meanDrop"}]} (balanced-accuracy drops, positive = worse; probabilityDrop: the class's mean
    /// probability on its own images, the ranking's tie-breaker; curves: the class's drop with its n most important units
    /// removed / with all units but those n removed, for every n measured);
    /// a layer that was ablated but not dissected is listed after the dissected ones with no units.
    /// </summary>
    public static void WriteJson(ResultsStore store, long runId, TextWriter output, string? layer = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (run, layers) = Select(store, runId, layer);
        var buffer = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,  // a data file, not HTML: keep paths readable
        });

        json.WriteStartObject();
        json.WriteStartObject("run");
        json.WriteNumber("id", run.Id);
        json.WriteString("model", run.Model);
        json.WriteString("dataset", run.Dataset);
        // A run that is not done (interrupted, failed, still running) exports what it has; these say so.
        json.WriteString("status", run.Status.ToString().ToLowerInvariant());
        if (run.Message is { } message) json.WriteString("message", message); else json.WriteNull("message");
        json.WriteStartArray("layersRequested");
        foreach (var l in run.Layers) json.WriteStringValue(l);
        json.WriteEndArray();
        json.WriteString("method", MethodName(run.Settings.Method));
        Number(json, "quantile", run.Settings.Quantile);
        Number(json, "iouThreshold", run.Settings.IouThreshold);
        WriteRules(json, run.RecordedRules);
        json.WriteNumber("images", run.Images);
        WriteAttacks(json, store.Attacks.GetAttackExperiments(runId, layer));
        WriteGanExperiments(json, store.Gan.GetRemovalCurves(runId, layer), store.Gan.GetContextInsertions(runId, layer));
        json.WriteEndObject();

        json.WriteStartArray("layers");
        foreach (var name in layers)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteStartArray("units");
            foreach (var u in store.Layers.GetUnitSummaries(runId, name))
            {
                json.WriteStartObject();
                json.WriteNumber("unit", u.Unit);
                Number(json, "threshold", u.Threshold);
                if (u.Label is { } label)
                {
                    json.WriteString("label", label.Name);
                    json.WriteString("category", label.Category);
                    Number(json, "iou", label.Iou);
                }
                else
                {
                    json.WriteNull("label");
                    json.WriteNull("category");
                    json.WriteNull("iou");
                }
                WriteReliability(json, u);
                json.WriteStartArray("top");
                foreach (var k in u.TopConcepts)
                {
                    json.WriteStartObject();
                    json.WriteString("concept", k.Name);
                    json.WriteString("category", k.Category);
                    Number(json, "iou", k.Iou);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("topImages");
                foreach (var t in u.TopImages)
                {
                    json.WriteStartObject();
                    json.WriteString("image", t.Path);
                    Number(json, "activation", t.Activation);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
                Drain(json, buffer, output);  // stream unit by unit: a big run never sits in memory as text
            }
            json.WriteEndArray();
            if (store.Ablations.GetAblation(runId, name) is { } ablation) WriteAblation(json, ablation);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        Drain(json, buffer, output);
        output.WriteLine();
        output.Flush();
    }

    /// <summary>"reliability":{"halfIous":[a,b],"halfBest":[a,b] (halves A and B: LabelReliability.HalfOf),"stable","chanceIou","lift","trust"} (trust:
    /// strong|weak|unstable, LabelReliability's verdict), or null for a unit without a label or stored before
    /// reliability was measured.</summary>
    private static void WriteReliability(Utf8JsonWriter json, UnitSummary u)
    {
        if (u is not { Reliability: { } q, Label: { } label }) { json.WriteNull("reliability"); return; }
        json.WriteStartObject("reliability");
        json.WriteStartArray("halfIous");
        json.WriteNumberValue(q.IouA);
        json.WriteNumberValue(q.IouB);
        json.WriteEndArray();
        json.WriteStartArray("halfBest");
        foreach (var best in (string?[])[q.BestA, q.BestB])
            if (best is null) json.WriteNullValue(); else json.WriteStringValue(best);
        json.WriteEndArray();
        json.WriteBoolean("stable", q.Stable);
        Number(json, "chanceIou", q.ChanceIou);
        Number(json, "lift", q.Lift);
        json.WriteString("trust", TrustName(q.Trust(label.Iou)));
        json.WriteEndObject();
    }

    /// <summary>"strong", "weak" or "unstable", as the exports name a verdict.</summary>
    public static string TrustName(LabelTrust trust) => trust.ToString().ToLowerInvariant();

    /// <summary>"rules":{"name","thresholdOver","upsampling","labelCounting","maskArea","primaryCategory","iouEpsilon",
    /// "labelTies"}: the method's rule set as stored with the run (MethodRules), or null for a run stored before rule
    /// sets were recorded.</summary>
    private static void WriteRules(Utf8JsonWriter json, MethodRules? rules)
    {
        if (rules is null) { json.WriteNull("rules"); return; }
        json.WritePropertyName("rules");
        JsonSerializer.Serialize(json, rules, ResultsStore.Json);
    }

    private static void WriteAblation(Utf8JsonWriter json, Ablation.AblationResult a)
    {
        json.WriteStartObject("ablation");
        json.WriteBoolean("labelled", a.Labelled);
        json.WriteString("split", a.Split);
        json.WriteNumber("images", a.Images);
        json.WriteString("method", a.Method);
        json.WriteStartArray("classes");
        foreach (var k in a.Importance)
        {
            json.WriteStartObject();
            json.WriteString("class", k.Name);
            Number(json, "baseline", k.Baseline);
            json.WriteStartArray("importantUnits");
            foreach (var d in k.ImportantUnits)
            {
                json.WriteStartObject();
                json.WriteNumber("unit", d.Unit);
                Number(json, "drop", d.Drop);
                Number(json, "probabilityDrop", d.ProbabilityDrop);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (a.Curves.FirstOrDefault(c => c.Class == k.Class) is { } curve) WriteCurves(json, curve, k.Baseline);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("units");
        foreach (var u in a.Units)
        {
            json.WriteStartObject();
            json.WriteNumber("unit", u.Unit);
            Number(json, "meanDrop", Ablation.AblationResult.MeanDrop(a.Baseline, u.Metrics));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCurves(Utf8JsonWriter json, Ablation.GroupCurve curve, double baseline)
    {
        json.WriteStartObject("curves");
        foreach (var (name, value) in new (string, Func<Ablation.GroupPoint, double>)[] { ("removeTop", p => p.RemoveTop), ("keepTop", p => p.KeepTop) })
        {
            json.WriteStartArray(name);
            foreach (var p in curve.Points.OrderBy(p => p.N))
            {
                json.WriteStartObject();
                json.WriteNumber("n", p.N);
                Number(json, "drop", baseline - value(p));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    /// <summary>
    /// "attacks":[{"layer","target","targetName","norm","epsilon","stepSize","steps","randomStart","seed","requested",
    /// "attempted","succeeded","successRate","meanSteps","meanTargetProbability","targetUnits":[..],"note",
    /// "groups":[{"group","count","meanAbsDelta","absLow","absHigh","meanDelta","deltaLow","deltaHigh"}]}]:
    /// attack experiments (network-dissection.md §4), oldest first; undefined statistics are null.
    /// </summary>
    private static void WriteAttacks(Utf8JsonWriter json, IReadOnlyList<StoredAttackExperiment> experiments)
    {
        json.WriteStartArray("attacks");
        foreach (var e in experiments)
        {
            var r = e.Result;
            json.WriteStartObject();
            json.WriteString("layer", r.Layer);
            json.WriteNumber("target", r.Target);
            json.WriteString("targetName", r.TargetName);
            json.WriteString("norm", Attacks.AttackSettings.NormName(r.Attack.Norm));
            Number(json, "epsilon", r.Attack.Epsilon);
            Number(json, "stepSize", r.Attack.EffectiveStepSize);
            json.WriteNumber("steps", r.Attack.Steps);
            json.WriteBoolean("randomStart", r.Attack.RandomStart);
            json.WriteNumber("seed", r.Attack.Seed);
            json.WriteNumber("requested", r.Requested);
            json.WriteNumber("attempted", r.Attempted);
            json.WriteNumber("succeeded", r.Succeeded);
            Number(json, "successRate", r.SuccessRate);
            Number(json, "meanSteps", r.MeanSteps);
            Number(json, "meanTargetProbability", r.MeanTargetProbability);
            json.WriteStartArray("targetUnits");
            foreach (var u in r.TargetUnits) json.WriteNumberValue(u);
            json.WriteEndArray();
            json.WriteString("note", r.Note);
            json.WriteStartArray("groups");
            foreach (var g in r.Groups)
            {
                json.WriteStartObject();
                json.WriteString("group", g.Group);
                json.WriteNumber("count", g.AbsDelta.Count);
                Number(json, "meanAbsDelta", g.AbsDelta.Mean);
                Number(json, "absLow", g.AbsDelta.Low);
                Number(json, "absHigh", g.AbsDelta.High);
                Number(json, "meanDelta", g.Delta.Mean);
                Number(json, "deltaLow", g.Delta.Low);
                Number(json, "deltaHigh", g.Delta.High);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// "ganExperiments":{"removals":[{"layer","concept","conceptName","samples","seed","rankedUnits":[..],
    /// "points":[{"units","meanFraction","remaining","low","high"}]}],"contexts":[{"layer","concept","conceptName",
    /// "samples","seed","units":[..],"levels":[..],"baselineFraction","contexts":[{"context","contextName","cells",
    /// "meanAdded","low","high"}]}]}: GAN dissection's causal experiments on a generator run, oldest first (empty
    /// for a classifier run); undefined intervals are null.
    /// </summary>
    private static void WriteGanExperiments(Utf8JsonWriter json, IReadOnlyList<StoredRemovalCurve> removals, IReadOnlyList<StoredContextInsertion> contexts)
    {
        json.WriteStartObject("ganExperiments");
        json.WriteStartArray("removals");
        foreach (var c in removals.Select(r => r.Curve))
        {
            WriteExperimentHead(json, c.Layer, c.Concept, c.ConceptName, c.Samples, c.Seed, "rankedUnits", c.RankedUnits);
            json.WriteStartArray("points");
            foreach (var p in c.Points)
            {
                json.WriteStartObject();
                json.WriteNumber("units", p.Units);
                Number(json, "meanFraction", p.MeanFraction);
                Number(json, "remaining", p.Remaining);
                Number(json, "low", p.Low);
                Number(json, "high", p.High);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("contexts");
        foreach (var c in contexts.Select(r => r.Result))
        {
            WriteExperimentHead(json, c.Layer, c.Concept, c.ConceptName, c.Samples, c.Seed, "units", c.Units);
            json.WriteStartArray("levels");
            foreach (var l in c.Levels) { if (float.IsFinite(l)) json.WriteNumberValue(l); else json.WriteNullValue(); }
            json.WriteEndArray();
            Number(json, "baselineFraction", c.BaselineFraction);
            json.WriteStartArray("contexts");
            foreach (var row in c.Contexts)
            {
                json.WriteStartObject();
                json.WriteNumber("context", row.Context);
                json.WriteString("contextName", row.ContextName);
                json.WriteNumber("cells", row.Cells);
                Number(json, "meanAdded", row.MeanAdded);
                Number(json, "low", row.Low);
                Number(json, "high", row.High);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Opens a GAN experiment's object with what both kinds share: where, which concept, on what samples, which units.</summary>
    private static void WriteExperimentHead(Utf8JsonWriter json, string layer, int concept, string conceptName, int samples, long seed,
        string unitsName, IReadOnlyList<int> units)
    {
        json.WriteStartObject();
        json.WriteString("layer", layer);
        json.WriteNumber("concept", concept);
        json.WriteString("conceptName", conceptName);
        json.WriteNumber("samples", samples);
        json.WriteNumber("seed", seed);
        json.WriteStartArray(unitsName);
        foreach (var u in units) json.WriteNumberValue(u);
        json.WriteEndArray();
    }

    /// <summary>
    /// One row per unit: layer,unit,threshold,label,category,iou, then top1,top1_category,top1_iou ... for as many top
    /// concepts as the units have, then the label's reliability: trust,half_a_iou,half_b_iou,stable,chance_iou,lift (see
    /// WriteReliability). Empty cells where a unit has no label, fewer concepts, or no reliability measured.
    /// </summary>
    public static void WriteCsv(ResultsStore store, long runId, TextWriter output, string? layer = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var (_, layers) = Select(store, runId, layer);
        var units = layers.SelectMany(name => store.Layers.GetUnitSummaries(runId, name)).ToList();
        var topCount = units.Count == 0 ? 0 : units.Max(u => u.TopConcepts.Count);

        var header = new List<string> { "layer", "unit", "threshold", "label", "category", "iou" };
        for (var i = 1; i <= topCount; i++) header.AddRange([$"top{i}", $"top{i}_category", $"top{i}_iou"]);
        header.AddRange(["trust", "half_a_iou", "half_b_iou", "stable", "chance_iou", "lift"]);
        WriteRow(output, header);

        var row = new List<string>();
        foreach (var u in units)
        {
            row.Clear();
            row.AddRange([u.Layer, Format(u.Unit), Format(u.Threshold), u.Label?.Name ?? "", u.Label?.Category ?? "",
                u.Label is { } l ? Format(l.Iou) : ""]);
            for (var i = 0; i < topCount; i++)
            {
                var k = i < u.TopConcepts.Count ? u.TopConcepts[i] : null;
                row.AddRange([k?.Name ?? "", k?.Category ?? "", k is null ? "" : Format(k.Iou)]);
            }
            if (u is { Reliability: { } q, Label: { } label })
                row.AddRange([TrustName(q.Trust(label.Iou)), Format(q.IouA), Format(q.IouB), q.Stable ? "true" : "false",
                    Format(q.ChanceIou), Format(q.Lift)]);
            else row.AddRange(["", "", "", "", "", ""]);
            WriteRow(output, row);
        }
        output.Flush();
    }

    /// <summary>"pnas" or "cvpr17", as the JSON export names the method.</summary>
    public static string MethodName(DissectionMethod method) => method switch
    {
        DissectionMethod.Pnas => "pnas",
        DissectionMethod.Cvpr17 => "cvpr17",
        _ => method.ToString().ToLowerInvariant(),
    };

    private static (RunInfo Run, IReadOnlyList<string> Layers) Select(ResultsStore store, long runId, string? layer)
    {
        ArgumentNullException.ThrowIfNull(store);
        var run = store.Runs.GetRun(runId) ?? throw new ArgumentException($"run {runId} does not exist in {store.FilePath}");
        var saved = store.Layers.GetLayers(runId).Select(l => l.Layer).ToList();
        // Layers that were ablated without being dissected follow the dissected ones.
        saved.AddRange(store.Ablations.ListAblations(runId).Select(a => a.Layer).Where(l => !saved.Contains(l, StringComparer.Ordinal)));
        if (layer is null) return (run, saved);
        if (!saved.Contains(layer, StringComparer.Ordinal))
            throw new ArgumentException($"run {runId} has no saved layer '{layer}' (saved: {(saved.Count == 0 ? "none" : string.Join(", ", saved))})");
        return (run, [layer]);
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        // JSON has no NaN or infinity; a unit that never fired can have such a threshold.
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    private static void Number(Utf8JsonWriter json, string name, float value)
    {
        if (float.IsFinite(value)) json.WriteNumber(name, value);  // float overload: shortest text that round-trips
        else json.WriteNull(name);
    }

    private static void Drain(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, TextWriter output)
    {
        json.Flush();
        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        buffer.ResetWrittenCount();
    }

    private static string Format(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Format(float v) => v.ToString(CultureInfo.InvariantCulture);
    private static string Format(double v) => v.ToString(CultureInfo.InvariantCulture);

    private static void WriteRow(TextWriter output, IEnumerable<string> cells)
    {
        output.Write(string.Join(',', cells.Select(Quote)));
        output.Write("\r\n");  // RFC 4180
    }

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
