// The CSV reader handles RFC 4180 quoting and reports the line each record starts on.
using Dissection.Core.Datasets;

namespace Dissection.Core.Tests.Datasets;

public sealed class CsvParsingTests
{
    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_newlines()
    {
        var rows = CsvTable.Parse("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n\n2,\"two\nlines\",\r\n3,,\n", "t.csv");
        Assert.Equal(4, rows.Count);
        Assert.Equal(["1", "x, y", "say \"hi\""], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal(["2", "two\nlines", ""], rows[2].Fields);
        Assert.Equal(4, rows[2].Line);
        Assert.Equal(["3", "", ""], rows[3].Fields);
        Assert.Equal(6, rows[3].Line);
    }

    [Fact]
    public void Last_line_without_newline_and_bom_are_handled()
    {
        var rows = CsvTable.Parse("\uFEFFa,b\n1,2", "t.csv");
        Assert.Equal(["a", "b"], rows[0].Fields);
        Assert.Equal(["1", "2"], rows[1].Fields);
    }

    [Fact]
    public void Stray_quote_names_file_and_line()
    {
        var e = Assert.Throws<DatasetFormatException>(() => CsvTable.Parse("a,b\n1,x\"y\n", "t.csv"));
        Assert.Contains("t.csv, line 2", e.Message);
    }

    [Theory]
    [InlineData("a,b\n1,\"x\"y\n", 2, "text after the closing quote")]
    [InlineData("a,b\n\n1,\"never\nclosed,2\n", 3, "never closed")]
    public void Broken_quoting_names_file_line_and_problem(string text, int line, string problem)
    {
        var e = Assert.Throws<DatasetFormatException>(() => CsvTable.Parse(text, "t.csv"));
        Assert.Contains($"t.csv, line {line}: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain("byte offset", e.Message);
    }
}
