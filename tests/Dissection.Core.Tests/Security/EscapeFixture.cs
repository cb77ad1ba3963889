// A Broden dataset and, beside it, a folder standing for everything outside it (another dataset, /etc) with files a
// dataset might try to reach: the containment tests' common ground.
using Dissection.Core.Tests.Datasets;

namespace Dissection.Core.Tests.Security;

internal sealed class EscapeFixture : IDisposable
{
    public BrodenFixture Dataset { get; } = new();
    public string Outside { get; }
    public string Secret => Path.Combine(Outside, "secret.png");

    public EscapeFixture()
    {
        Outside = Dataset.Root + "-outside";
        Directory.CreateDirectory(Path.Combine(Outside, "deep"));
        BrodenFixture.WriteSolidImage(Secret, 8, 8, new(1, 2, 3));
        BrodenFixture.WriteSolidImage(Path.Combine(Outside, "deep", "more.png"), 8, 8, new(1, 2, 3));
        BrodenFixture.WriteLabelPng(Path.Combine(Outside, "secret_object.png"), 4, 4, BrodenFixture.ObjectPlane);
    }

    public void Dispose()
    {
        Dataset.Dispose();
        try { Directory.Delete(Outside, recursive: true); } catch (IOException) { }
    }
}
