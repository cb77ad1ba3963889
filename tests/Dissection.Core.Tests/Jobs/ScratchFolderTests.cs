// Scratch folders carry their process in their name: a later start removes a dead process's, never a live one's
// or a folder it did not make; and failure messages never show a server path.
using Dissection.Core.Jobs;
using Dissection.Core.Work;

namespace Dissection.Core.Tests.Jobs;

public sealed class ScratchFolderTests
{
    [Fact]
    public void Orphans_of_dead_processes_are_removed_and_live_ones_kept()
    {
        using var dir = new TempDir();
        var mine = Directory.CreateDirectory(Path.Combine(dir.Path, ScratchFolders.NewName())).FullName;
        File.WriteAllText(Path.Combine(mine, "layer.bin"), "x");
        using var p = System.Diagnostics.Process.Start("true")!;
        p.WaitForExit();
        var dead = Directory.CreateDirectory(Path.Combine(dir.Path, $"dissect-cache-{p.Id}-1700000000-{Guid.NewGuid():N}")).FullName;
        File.WriteAllText(Path.Combine(dead, "layer.bin"), "x");
        var foreign = Directory.CreateDirectory(Path.Combine(dir.Path, $"dissect-cache-{Guid.NewGuid():N}")).FullName;
        var other = Directory.CreateDirectory(Path.Combine(dir.Path, "uploads")).FullName;

        Assert.Equal(1, ScratchFolders.RemoveOrphans(dir.Path));
        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(mine));
        Assert.True(Directory.Exists(foreign));
        Assert.True(Directory.Exists(other));
        Assert.Equal(0, ScratchFolders.RemoveOrphans(Path.Combine(dir.Path, "missing")));
    }

    [Fact]
    public void A_process_whose_id_was_reused_is_dead()
    {
        var me = JobOwner.Current;
        Assert.True(me.IsAlive(null, DateTime.UtcNow, TimeSpan.Zero));
        Assert.False((me with { ProcessStartUtc = me.ProcessStartUtc.AddMinutes(-3) }).IsAlive(null, DateTime.UtcNow, TimeSpan.FromHours(1)));
        var remote = new JobOwner("elsewhere", 1, DateTime.UtcNow);
        Assert.True(remote.IsAlive(DateTime.UtcNow.AddSeconds(-5), DateTime.UtcNow, TimeSpan.FromMinutes(1)));
        Assert.False(remote.IsAlive(DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow, TimeSpan.FromMinutes(1)));
        Assert.False(remote.IsAlive(null, DateTime.UtcNow, TimeSpan.FromMinutes(1)));
    }

    [Theory]
    [InlineData("/repo/data/models/x.pt is not a checkpoint", "/repo", "data/models/x.pt is not a checkpoint")]
    [InlineData("cannot open /tmp/dissect-cache-1/conv5.bin: disk full", "/repo", "cannot open conv5.bin: disk full")]
    [InlineData("the quantile must be in (0, 1), got 2/3", "/repo", "the quantile must be in (0, 1), got 2/3")]
    [InlineData("eps 2/255 is too large", null, "eps 2/255 is too large")]
    public void Messages_show_no_server_path(string message, string? root, string expected) =>
        Assert.Equal(expected, JobMessages.Describe(new InvalidDataException(message), root));

    [Fact]
    public void Wrappers_are_unwrapped_to_the_engines_message()
    {
        var e = new AggregateException(new System.Reflection.TargetInvocationException(new ArgumentException("no layer 'conv9'")));
        Assert.Equal("no layer 'conv9'", JobMessages.Describe(e));
    }
}
