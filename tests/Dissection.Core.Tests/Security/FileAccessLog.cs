// A file-access log of this test process, taken by strace attached to it: every open/openat of every thread while an
// action runs. Markers opened before and after the action bound the window, so the log is known to cover it.
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Dissection.Core.Tests.Security;

internal static partial class FileAccessLog
{
    public const string Strace = "/usr/bin/strace";

    /// <summary>The paths this process opened while <paramref name="action"/> ran (absolute as the call gave them).</summary>
    public static IReadOnlyList<string> Record(Action action)
    {
        if (!File.Exists(Strace))
            throw new InvalidOperationException($"{Strace} is needed for the file-access log: apt-get install strace (test.sh does)");
        var folder = Directory.CreateTempSubdirectory("dd-strace-").FullName;
        var log = Path.Combine(folder, "open.log");
        string start = Path.Combine(folder, "start-marker"), end = Path.Combine(folder, "end-marker");
        File.WriteAllText(start, ""); File.WriteAllText(end, "");
        var psi = new ProcessStartInfo(Strace) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-f", "-qq", "-e", "trace=open,openat,openat2", "-e", "signal=none", "-o", log, "-p", Environment.ProcessId.ToString() })
            psi.ArgumentList.Add(a);
        using var strace = Process.Start(psi)!;
        strace.ErrorDataReceived += (_, _) => { };
        strace.BeginErrorReadLine();
        try
        {
            WaitFor(log, start, strace);
            action();
            WaitFor(log, end, strace);
        }
        finally
        {
            // SIGINT makes strace detach cleanly from every thread; a kill would leave that to the kernel.
            using (var kill = Process.Start("kill", ["-INT", strace.Id.ToString()])) kill.WaitForExit();
            if (!strace.WaitForExit(10_000)) strace.Kill();
        }
        var opened = File.ReadAllLines(log).Select(l => OpenedPath().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Directory.Delete(folder, recursive: true);
        return opened;
    }

    /// <summary>Opens the marker until the log shows it: then strace is attached to the thread that opens files.</summary>
    static void WaitFor(string log, string marker, Process strace)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (strace.HasExited) throw new InvalidOperationException($"strace stopped (exit {strace.ExitCode}): is ptrace allowed here?");
            File.ReadAllBytes(marker);
            if (File.Exists(log) && File.ReadAllText(log).Contains(marker, StringComparison.Ordinal)) return;
            Thread.Sleep(100);
        }
        throw new TimeoutException("strace did not log the marker within 30 s");
    }

    [GeneratedRegex("""\bopen(?:at2?)?\((?:[^,]*, )?"([^"]*)""")]
    private static partial Regex OpenedPath();
}
