// A small RFC 4180 CSV reader that remembers the line each record starts on, so format errors can name it.
using System.Text;

namespace Dissection.Core.Datasets;

internal sealed record CsvRecord(int Line, string[] Fields);

internal static class CsvTable
{
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
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1;
        bool inQuotes = false, afterQuote = false, recordHasContent = false;
        int start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;

        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') { inQuotes = false; afterQuote = true; }
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case ',':
                    fields.Add(field.ToString()); field.Clear();
                    afterQuote = false; recordHasContent = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (recordHasContent || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        records.Add(new CsvRecord(recordLine, fields.ToArray()));
                    }
                    fields.Clear(); field.Clear();
                    afterQuote = false; recordHasContent = false;
                    line++; recordLine = line;
                    break;
                case '"' when field.Length == 0 && !afterQuote:
                    inQuotes = true; recordHasContent = true;
                    break;
                case '"':
                    throw new DatasetFormatException($"{fileName}, line {line}: stray double quote inside a field");
                default:
                    if (afterQuote)
                        throw new DatasetFormatException($"{fileName}, line {line}: text after a closing double quote");
                    field.Append(c);
                    break;
            }
        }
        if (inQuotes) throw new DatasetFormatException($"{fileName}, line {recordLine}: unterminated double-quoted field");
        if (recordHasContent || field.Length > 0)
        {
            fields.Add(field.ToString());
            records.Add(new CsvRecord(recordLine, fields.ToArray()));
        }
        return records;
    }
}
