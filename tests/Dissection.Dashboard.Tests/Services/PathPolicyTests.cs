// Only configured folders may be read: relative paths resolve against the repository root, escapes are refused.
using Dissection.Dashboard.Services;

namespace Dissection.Dashboard.Tests.Services;

public sealed class PathPolicyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "dd-policy-" + Guid.NewGuid().ToString("N"));
    private readonly PathPolicy _policy;

    public PathPolicyTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "data", "world"));
        File.WriteAllText(Path.Combine(_root, RepoPaths.SolutionFile), "");
        var paths = new RepoPaths(_root, new DashboardOptions { DataFolders = ["data"], ModelFolders = ["data/models"] });
        _policy = new PathPolicy(paths);
    }

    [Fact]
    public void Dataset_inside_the_data_folder_resolves_to_a_full_path() =>
        Assert.Equal(Path.Combine(_root, "data", "world"), _policy.ResolveDataset("data/world"));

    [Theory]
    [InlineData("data/../../etc")]
    [InlineData("/etc")]
    [InlineData("datasets/world")]
    [InlineData("data-other/x")]
    public void Paths_outside_the_allowed_folders_are_refused_with_the_folders_named(string path)
    {
        var e = Assert.Throws<PathNotAllowedException>(() => _policy.ResolveDataset(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("Dashboard:DataFolders", e.Message);
    }

    [Fact]
    public void Checkpoints_must_be_in_the_model_folders()
    {
        Assert.Throws<PathNotAllowedException>(() => _policy.ResolveCheckpoint("data/world/x.pt"));
        Assert.Equal(Path.Combine(_root, "data", "models", "a.pt"), _policy.ResolveCheckpoint("data/models/a.pt"));
    }

    [Fact]
    public void Display_is_relative_to_the_repository() =>
        Assert.Equal(Path.Combine("data", "world"), _policy.Display(Path.Combine(_root, "data", "world")));

    [Fact]
    public void A_linked_dataset_or_checkpoint_that_leads_outside_is_refused()
    {
        var outside = _root + "-outside";
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "x.pt"), "");
        try
        {
            Directory.CreateDirectory(Path.Combine(_root, "data", "models"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "data", "linked"), outside);
            File.CreateSymbolicLink(Path.Combine(_root, "data", "models", "linked.pt"), Path.Combine(outside, "x.pt"));
            Directory.CreateSymbolicLink(Path.Combine(_root, "data", "models", "dir"), outside);
            Assert.Contains("link that leads outside", Assert.Throws<PathNotAllowedException>(() => _policy.ResolveDataset("data/linked")).Message);
            Assert.Throws<PathNotAllowedException>(() => _policy.ResolveCheckpoint("data/models/linked.pt"));
            Assert.Throws<PathNotAllowedException>(() => _policy.ResolveCheckpoint("data/models/dir/x.pt"));
            // A link that stays inside is fine.
            Directory.CreateSymbolicLink(Path.Combine(_root, "data", "alias"), Path.Combine(_root, "data", "world"));
            Assert.Equal(Path.Combine(_root, "data", "alias"), _policy.ResolveDataset("data/alias"));
        }
        finally { Directory.Delete(outside, recursive: true); }
    }

    [Fact]
    public void Messages_for_the_browser_carry_no_absolute_server_path()
    {
        var text = $"checkpoint '{_root}/data/models/a.pt' is bad; see /var/lib/secret/thing.txt, or {_root}/data.";
        var shown = _policy.Scrub(text);
        Assert.DoesNotContain(_root, shown);
        Assert.DoesNotContain("/var/lib", shown);
        Assert.Contains("'data/models/a.pt'", shown);
        Assert.Contains("thing.txt", shown);
        Assert.Equal("data/world", _policy.Show(Path.Combine(_root, "data", "world")));
        Assert.Equal("http://x/y", _policy.Scrub("http://x/y"));
    }

    [Fact]
    public void Root_is_found_from_a_nested_folder()
    {
        var nested = Path.Combine(_root, "src", "Dissection.Dashboard", "bin");
        Directory.CreateDirectory(nested);
        Assert.Equal(_root, RepoPaths.FindRoot(nested));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
