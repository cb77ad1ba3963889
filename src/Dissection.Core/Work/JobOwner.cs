// Which process runs a job: host, process id and the process's start time (a process id alone is reused). Any
// process can tell a live owner from a dead one: on the same host by looking the process up, elsewhere by the age
// of the job's heartbeat.
using System.Diagnostics;

namespace Dissection.Core.Work;

public sealed record JobOwner(string Host, int ProcessId, DateTime ProcessStartUtc)
{
    private static readonly Lazy<JobOwner> Self = new(() =>
    {
        using var p = Process.GetCurrentProcess();
        return new JobOwner(Environment.MachineName, p.Id, Truncate(p.StartTime.ToUniversalTime()));
    });

    /// <summary>This process.</summary>
    public static JobOwner Current => Self.Value;

    /// <summary>
    /// Whether the owner still runs. Same host: the process with that id exists and started at the recorded time
    /// (to the second). Another host: its last heartbeat is younger than <paramref name="staleAfter"/>.
    /// </summary>
    public bool IsAlive(DateTime? heartbeatUtc, DateTime nowUtc, TimeSpan staleAfter)
    {
        if (this == Current) return true;
        if (!string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase))
            return heartbeatUtc is { } h && nowUtc - h < staleAfter;
        try
        {
            using var p = Process.GetProcessById(ProcessId);
            if (p.HasExited) return false;
            return Math.Abs((Truncate(p.StartTime.ToUniversalTime()) - ProcessStartUtc).TotalSeconds) <= 1;
        }
        catch (ArgumentException) { return false; }          // no such process
        catch (InvalidOperationException) { return false; }   // it exited while we looked
        catch (System.ComponentModel.Win32Exception) { return heartbeatUtc is { } h && nowUtc - h < staleAfter; }
    }

    public override string ToString() => $"process {ProcessId} on {Host}";

    private static DateTime Truncate(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
