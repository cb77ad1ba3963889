// The dashboard's settings (section "Dashboard" of appsettings.json, overridable by environment or command line).
namespace Dissection.Dashboard.Services;

public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>The SQLite results database; relative paths are taken from the repository root.</summary>
    public string Database { get; set; } = "data/results.db";
    /// <summary>Folders a dataset may be read from (new runs, thumbnails).</summary>
    public List<string> DataFolders { get; set; } = [];
    /// <summary>Folders a checkpoint may be loaded from.</summary>
    public List<string> ModelFolders { get; set; } = [];
    /// <summary>Where rendered thumbnails and export files are cached.</summary>
    public string CacheFolder { get; set; } = "data/cache";
    /// <summary>Builds a demo world, model and run on first start (wired by the demo bootstrap).</summary>
    public bool Demo { get; set; } = true;
    /// <summary>Where the demo's synthetic world is generated (inside a data folder).</summary>
    public string DemoWorld { get; set; } = "data/world";
    /// <summary>Images in the demo world: the first N of the seed-1 world the classifier was trained on. 3,000 gives
    /// ~600 validation images, enough for stable IoUs and quick enough for the first start on 2 cores.</summary>
    public int DemoWorldCount { get; set; } = 2000;
    /// <summary>With the demo on, also dissects the ImageNet ResNet-18 on the demo world, queued behind the first demo
    /// run (a real network to compare with the toy one). Tests that start the app may turn it off.</summary>
    public bool DemoImageNet { get; set; } = true;
    /// <summary>How many jobs run at once. The engine already uses every core, so 1 on small machines.</summary>
    public int JobConcurrency { get; set; } = 1;
}
