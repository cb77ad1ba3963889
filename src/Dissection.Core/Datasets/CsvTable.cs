// Reads the dataset's CSV files (RFC 4180) with CsvHelper, keeping the line each record starts on so format errors
// can name it. Malformed quoting (a stray quote, text after a closing quote, a quote never closed) is an error, not
// guessed around: a Broden file that reads differently from the reference would give different concepts.
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;

namespace Dissection.Core.Datasets;

internal sealed record CsvRecord(int Line, string[] Fields);

internal static partial class CsvTable
{
    private static readonly CsvReaderOptions Options = new()
    {
        HasHeader = false,  // callers read the header row themselves: Broden files name their columns differently
        Separator = ',',
        Mode = CsvMode.Rfc4180,
        AllowLineBreaksInQuotes = true,
        SkipEmptyLines = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FieldCountMismatch = CsvFieldCountHandling.Allow,  // rows are checked against their header by the readers
    };

    /// <summary>Reads all records (header included) of a CSV file; blank lines are skipped.</summary>
    public static List<CsvRecord> Read(string path)
    {
        string text;
        try { text = File.ReadAllText(path, Encoding.UTF8); }
        catch (IOException e) { throw new DatasetFormatException($"{path}: cannot read ({e.Message})", e); }
        return Parse(text, path);
    }

    internal static List<CsvRecord> Parse(string text, string fileName)
    {
        var records = new List<CsvRecord>();
        try
        {
            using var reader = CsvReader.FromText(text, Options);
            while (reader.Read()) records.Add(new CsvRecord((int)reader.LineNumber, reader.Current.ToArray()));
        }
        catch (CsvFormatException e)
        {
            var what = Problem().Match(e.Message) is { Success: true } m ? m.Groups[1].Value : e.Message;
            throw new DatasetFormatException($"{fileName}, line {e.LineNumber}: {what}", e);
        }
        return records;
    }

    /// <summary>The problem in CsvHelper's message, without the record, line and byte offset said elsewhere.</summary>
    [GeneratedRegex(@"\): (.*?)(?: \(byte offset \d+\))?\.?$")]
    private static partial Regex Problem();
}
