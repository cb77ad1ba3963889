// A temporary folder under the system temp path, deleted when the test ends.
namespace Dissection.Core.Tests;

internal sealed class TempDir : IDisposable
{
    public TempDir() { Path = Directory.CreateTempSubdirectory("dissect-test-").FullName; }
    public string Path { get; }
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
