// The containment rules checked from outside: strace logs every file this process opens while the engine opens and
// reads datasets that try to escape (a traversal row, an absolute row, a linked image, a linked images folder, a linked
// subfolder), and reads a dataset with a truncated JPEG and a broken mask; no file outside the dataset is ever opened.
using Dissection.Core.Datasets;
using Dissection.Core.Dissection;
using Dissection.Core.Tests.Datasets;

namespace Dissection.Core.Tests.Security;

public sealed class FileAccessTests : IDisposable
{
    readonly EscapeFixture _escape = new();
    BrodenFixture _fixture => _escape.Dataset;
    string _outside => _escape.Outside;
    public void Dispose() => _escape.Dispose();

    [Fact]
    public void No_file_outside_the_dataset_is_opened_by_escaping_datasets()
    {
        var traversal = "../../" + Path.GetFileName(_outside) + "/secret.png";
        var secret = Path.Combine(_outside, "secret.png");
        var refusals = new List<string>();
        void Refused(params string[] rows)
        {
            _fixture.WriteIndex(rows);
            refusals.Add(Assert.Throws<DatasetFormatException>(() => ConceptDataset.Open(_fixture.Root)).Message);
        }

        var opened = FileAccessLog.Record(() =>
        {
            Refused("a.png,train,8,8,4,4,,,,,,", $"{traversal},train,8,8,4,4,,,,,,");
            Refused($"a.png,train,8,8,4,4,,{traversal},,,,");
            Refused($"{secret},train,8,8,4,4,,,,,,");
            File.CreateSymbolicLink(Path.Combine(_fixture.Images, "link.png"), secret);
            Refused("link.png,train,8,8,4,4,,,,,,");
            File.Delete(Path.Combine(_fixture.Images, "link.png"));

            // A linked subfolder is not listed, and a dataset with bad files still reads its good ones.
            Directory.CreateSymbolicLink(Path.Combine(_fixture.Images, "elsewhere"), _outside);
            File.WriteAllBytes(Path.Combine(_fixture.Images, "cut.jpg"), BadInputCorpusTests.Truncated(BadInputCorpusTests.Jpeg()));
            File.WriteAllText(Path.Combine(_fixture.Images, "broken_object.png"), "not a png");
            _fixture.WriteIndex("a.png,train,8,8,4,4,,,,,,", "cut.jpg,train,64,64,4,4,,,,,,", "sub/b.png,val,8,8,4,4,,broken_object.png,,,,");
            var ds = ConceptDataset.Open(_fixture.Root);
            using var batch = DissectionRun.LoadBatch(ds, ds.Images, 8, BadImagePolicy.Skip, default);
            Assert.Equal(["cut.jpg", "sub/b.png"], batch.Skipped.Order());
            Directory.Delete(Path.Combine(_fixture.Images, "elsewhere"));

            // The images folder itself a link out.
            Directory.Move(_fixture.Images, _fixture.Root + "-moved");
            Directory.CreateSymbolicLink(_fixture.Images, _outside);
            Refused("secret.png,train,8,8,4,4,,,,,,");
        });

        Assert.Equal(5, refusals.Count);
        Assert.All(refusals.Take(4), m => Assert.Contains("index.csv, line", m));
        Assert.Contains("images folder is a link that leads outside", refusals[4]);
        // The log is not empty by accident: it saw the dataset's own files being read.
        Assert.Contains(opened, p => p.EndsWith(Path.Combine("images", "a.png"), StringComparison.Ordinal));
        Assert.Contains(opened, p => p.EndsWith("index.csv", StringComparison.Ordinal));
        Assert.Contains(opened, p => p.EndsWith("cut.jpg", StringComparison.Ordinal));
        var escaped = opened.Where(p => Path.GetFullPath(p).StartsWith(_outside, StringComparison.Ordinal)
                                        || p.Contains(Path.GetFileName(_outside), StringComparison.Ordinal)).ToList();
        Assert.True(escaped.Count == 0, "opened outside the dataset: " + string.Join(", ", escaped));
        try { Directory.Delete(_fixture.Root + "-moved", recursive: true); } catch (IOException) { }
    }
}
