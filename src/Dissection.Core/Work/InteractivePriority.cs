// How background jobs and interactive requests share one process's CPU. A torch op started from two threads at once
// runs two thread teams on the same cores, and on a 2-core machine each slows the other several-fold (bench-gan saw
// a 17 ms edit become 444 ms beside a running dissection). So interactive work wins: a GAN edit or a probe holds a
// lease while it computes, and a job, at each batch boundary (its progress report), waits while any lease is held or
// one ended less than Grace ago (a user paints stroke after stroke). MaxPause bounds each wait, so a job always
// advances by at least a batch between pauses even when someone paints without stopping. `dissect bench-share`
// measures what this buys.
using System.Diagnostics;

namespace Dissection.Core.Work;

public sealed class InteractivePriority
{
    private int _active;
    private long _lastEndTicks = long.MinValue / 2;
    private long _pausedTicks;
    private long _waitingSince;   // timestamp of the wait in progress, 0 when no job waits

    /// <summary>How long after the last interactive request a job still waits (the gap between two strokes).</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMilliseconds(750);
    /// <summary>The longest one wait lasts: then the job runs one more batch before it gives way again.</summary>
    public TimeSpan MaxPause { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Interactive requests running now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Total time jobs spent waiting for interactive work, the wait in progress included.</summary>
    public TimeSpan Paused
    {
        get
        {
            var since = Interlocked.Read(ref _waitingSince);
            var now = since == 0 ? 0 : Stopwatch.GetTimestamp() - since;
            return Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _pausedTicks) + now);
        }
    }

    /// <summary>Marks interactive work until the lease is disposed.</summary>
    public IDisposable Begin()
    {
        Interlocked.Increment(ref _active);
        return new Lease(this);
    }

    /// <summary>Called by a job between batches: returns at once when no one is interacting, else waits until the
    /// interaction has been quiet for Grace, at most MaxPause. Throws when <paramref name="cancel"/> fires.</summary>
    public void GiveWay(CancellationToken cancel)
    {
        if (!Busy()) return;
        var start = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref _waitingSince, start);
        try
        {
            while (Busy() && Stopwatch.GetElapsedTime(start) < MaxPause)
            {
                cancel.ThrowIfCancellationRequested();
                Thread.Sleep(10);
            }
        }
        finally
        {
            Interlocked.Exchange(ref _waitingSince, 0);
            Interlocked.Add(ref _pausedTicks, Stopwatch.GetTimestamp() - start);
        }
    }

    private bool Busy() =>
        Volatile.Read(ref _active) > 0 || Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastEndTicks)) < Grace;

    private sealed class Lease(InteractivePriority owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            Interlocked.Exchange(ref owner._lastEndTicks, Stopwatch.GetTimestamp());
            Interlocked.Decrement(ref owner._active);
        }
    }
}
