// A one-line progress bar for long CLI work (dissection, training, world generation). Spectre.Console's progress
// display was weighed (#16) and not taken: it wants the work run inside its own callback, where every verb now hands
// the engine a plain IProgress<T>, and when stderr is a log file this writes only the finished line.
using Dissection.Core.Work;

namespace Dissection.Cli;

public sealed class ConsoleProgress : IProgress<DissectionProgress>
{
    private DateTime _last = DateTime.MinValue;

    public void Report(DissectionProgress p)
    {
        var now = DateTime.UtcNow;
        if ((now - _last).TotalMilliseconds < 200 && p.Done < p.Total) return;
        _last = now;
        const int width = 30;
        var filled = (int)(p.Fraction * width);
        var eta = p.ImagesPerSecond > 0 && p.Total > p.Done ? TimeSpan.FromSeconds((p.Total - p.Done) / p.ImagesPerSecond) : TimeSpan.Zero;
        var line = $"\r{p.Phase,-24} [{new string('#', filled)}{new string('.', width - filled)}] {p.Done}/{p.Total} {p.ImagesPerSecond,6:F1}/s eta {eta:mm\\:ss}";
        if (Console.IsErrorRedirected) { if (p.Done >= p.Total) Console.Error.WriteLine(line.TrimStart('\r')); }
        else Console.Error.Write(line);
        if (p.Done >= p.Total && !Console.IsErrorRedirected) Console.Error.WriteLine();
    }
}
