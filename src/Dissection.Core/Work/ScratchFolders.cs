// Scratch folders (activation caches) named after the process that made them, so that a later start can remove
// those a killed process left behind (a kill -9 skips every finally) without touching a live process's.
namespace Dissection.Core.Work;

public static class ScratchFolders
{
    private const string Prefix = "dissect-cache-";

    /// <summary>A new folder name for this process: dissect-cache-PID-START-GUID (START in Unix seconds).</summary>
    public static string NewName()
    {
        var me = JobOwner.Current;
        return $"{Prefix}{me.ProcessId}-{new DateTimeOffset(me.ProcessStartUtc).ToUnixTimeSeconds()}-{Guid.NewGuid():N}";
    }

    /// <summary>Removes the scratch folders under <paramref name="root"/> whose process is dead. Returns how many.</summary>
    public static int RemoveOrphans(string root)
    {
        if (!Directory.Exists(root)) return 0;
        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            if (Owner(Path.GetFileName(dir)) is not { } owner) continue;  // not ours to judge (an older name)
            if (owner.IsAlive(null, DateTime.UtcNow, TimeSpan.Zero)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed++;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The process a folder name says made it, on this host; null for names not made by NewName.</summary>
    internal static JobOwner? Owner(string name)
    {
        var parts = name[Prefix.Length..].Split('-');
        if (parts.Length != 3 || !int.TryParse(parts[0], out var pid) || !long.TryParse(parts[1], out var start)) return null;
        return new JobOwner(Environment.MachineName, pid, DateTimeOffset.FromUnixTimeSeconds(start).UtcDateTime);
    }
}
