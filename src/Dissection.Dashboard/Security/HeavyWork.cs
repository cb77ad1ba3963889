// Limits on work that takes the CPU from the job queue, built on System.Threading.RateLimiting (the limiters ASP.NET
// Core's rate limiting middleware uses): a per-user budget per minute for each kind, and one cap on heavy work running
// at once for all users together. Circuit actions (a probe, an attack, a GAN edit, an upload) are not HTTP requests,
// so they take their lease here; the HTTP endpoints use the middleware with the same numbers (RateLimits).
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dissection.Dashboard.Security;

public enum HeavyKind { Render, Probe, Upload, GanEdit }

public sealed class HeavyWork : IDisposable
{
    private readonly PartitionedRateLimiter<(HeavyKind Kind, string Who)> _perUser;
    private readonly ConcurrencyLimiter _running;
    private readonly bool _limited;

    public HeavyWork(IOptions<AccessOptions> options)
    {
        var o = options.Value;
        // Local mode has one user, the owner: nothing to share, so nothing is limited.
        _limited = o.Mode == DashboardMode.Shared;
        _perUser = PartitionedRateLimiter.Create<(HeavyKind Kind, string Who), (HeavyKind, string)>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, PerMinute(o, k.Item1)), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
            }));
        _running = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, o.MaxConcurrentHeavy), QueueLimit = 16, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    internal static int PerMinute(AccessOptions o, HeavyKind kind) => kind switch
    {
        HeavyKind.Render => o.RendersPerMinute,
        HeavyKind.Probe => o.ProbesPerMinute,
        HeavyKind.Upload => o.UploadsPerMinute,
        _ => o.GanEditsPerMinute,
    };

    /// <summary>A lease to dispose when the work is done.</summary>
    /// <exception cref="AccessDeniedException">over the per-minute budget, or the server is busy.</exception>
    public async Task<IDisposable> AcquireAsync(HeavyKind kind, string who, CancellationToken cancel = default)
    {
        if (!_limited) return NoLease.Instance;
        using (var budget = _perUser.AttemptAcquire((kind, who)))
            if (!budget.IsAcquired)
                throw new AccessDeniedException($"Too many requests of this kind in the last minute (the limit is {kind switch
                {
                    HeavyKind.Upload => "uploads", HeavyKind.Probe => "model runs", HeavyKind.GanEdit => "GAN edits", _ => "renders",
                }} per minute per user); try again shortly.", signedIn: true);
        var lease = await _running.AcquireAsync(1, cancel);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new AccessDeniedException("The server is busy with other heavy requests; try again shortly.", signedIn: true);
        }
        return lease;
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();
        public void Dispose() { }
    }

    public void Dispose()
    {
        _perUser.Dispose();
        _running.Dispose();
    }
}
