// How a GAN edit fares while a dissection job runs in the same process, and what the job loses for it: the decision
// that interactive work comes first (InteractivePriority) measured side by side in one run. Three conditions, each
// with a fresh job of the same dissection: the edit alone (baseline), the edit beside the job with no priority, and
// the edit beside the job that gives way at its batch boundaries. The job's rate is its images per second over the
// same windows, against the job alone. Conditions alternate in rounds so that drifting machine load hits each alike.
using System.Diagnostics;
using Dissection.Core.Dissection;
using Dissection.Core.Gan;
using Dissection.Core.Jobs.Kinds;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs;

/// <param name="Edit">Edit → PNG latency over the condition's rounds.</param>
/// <param name="JobImagesPerSecond">The job's pass-1 rate while the edits ran (NaN for the baseline).</param>
public sealed record CpuShareCondition(string Name, LatencySummary Edit, double JobImagesPerSecond, TimeSpan JobPaused);

public sealed record CpuShareResult(int Rounds, int EditsPerRound, int PauseMs, double JobAloneImagesPerSecond,
    IReadOnlyList<CpuShareCondition> Conditions);

public static class CpuShareBenchmark
{
    /// <param name="database">A scratch results database for the jobs' runs.</param>
    /// <param name="classifier">The job: a classifier dissection (model spec, dataset, layer) long enough to outlast a round.</param>
    /// <param name="pauseMs">A painter's pause between strokes.</param>
    public static async Task<CpuShareResult> RunAsync(string database, string root, string cacheFolder,
        DissectClassifierParameters classifier, Func<InteractivePriority?, SharedGenerator> generator, string layer,
        int rounds = 3, int editsPerRound = 30, int pauseMs = 250, Action<string>? log = null, CancellationToken cancel = default)
    {
        var alone = new List<double>();
        var edits = new Dictionary<string, List<double>> { ["alone"] = [], ["beside a job"] = [], ["job gives way"] = [] };
        var rates = new Dictionary<string, List<double>> { ["beside a job"] = [], ["job gives way"] = [] };
        var paused = new Dictionary<string, TimeSpan> { ["beside a job"] = TimeSpan.Zero, ["job gives way"] = TimeSpan.Zero };
        for (var round = 0; round < rounds; round++)
        {
            // The edit alone: no job. (The shared generators are not disposed: that would dispose the one network
            // every condition uses; the caller owns it.)
            edits["alone"].AddRange(await Edits(generator(null), layer, editsPerRound, pauseMs, round, cancel));
            log?.Invoke($"round {round + 1}: edit alone done");

            // The job alone: its rate over a window as long as a round of edits.
            var (_, aloneRate, _) = await WithJob(database, root, cacheFolder, classifier, null, async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), cancel);
                return Array.Empty<double>();
            }, cancel);
            alone.Add(aloneRate);
            log?.Invoke($"round {round + 1}: job alone {alone[^1]:F1} images/s");

            foreach (var (name, priority) in new[] { ("beside a job", (InteractivePriority?)null), ("job gives way", new InteractivePriority()) })
            {
                var shared = generator(priority);
                var (ms, rate, waited) = await WithJob(database, root, cacheFolder, classifier, priority,
                    () => Edits(shared, layer, editsPerRound, pauseMs, round, cancel), cancel);
                edits[name].AddRange(ms);
                rates[name].Add(rate);
                paused[name] += waited;
                log?.Invoke($"round {round + 1}: {name}: edit p95 {LatencySummary.Of(ms).P95Ms:F1} ms, job {rate:F1} images/s");
            }
        }
        return new CpuShareResult(rounds, editsPerRound, pauseMs, Median(alone),
        [
            new("alone", LatencySummary.Of(edits["alone"]), double.NaN, TimeSpan.Zero),
            new("beside a job", LatencySummary.Of(edits["beside a job"]), Median(rates["beside a job"]), paused["beside a job"]),
            new("job gives way", LatencySummary.Of(edits["job gives way"]), Median(rates["job gives way"]), paused["job gives way"]),
        ]);
    }

    /// <summary>One painter's edits on a fresh picture of its own seed; the first render (the head) is not timed.</summary>
    private static async Task<double[]> Edits(SharedGenerator shared, string layer, int count, int pauseMs, int round, CancellationToken cancel)
    {
        var r = await EditLatencyBenchmark.RunAsync(shared, layer, users: 1, editsPerUser: count, seed: 1 + round,
            pauseMs: pauseMs, warmup: 1, editsOnly: true, cancel: cancel);
        return [.. r.EditSamples];
    }

    /// <summary>Starts a fresh dissection job, waits until its pass 1 is under way, runs <paramref name="during"/>,
    /// and returns its result with the job's images per second over that window; then cancels the job.</summary>
    private static async Task<(double[] Ms, double Rate, TimeSpan Paused)> WithJob(string database, string root, string cacheFolder,
        DissectClassifierParameters classifier, InteractivePriority? priority, Func<Task<double[]>> during, CancellationToken cancel)
    {
        using var executor = new JobExecutor(database, [new DissectClassifierJob()], new JobExecutorOptions
        {
            Root = root,
            CacheFolder = cacheFolder,
            ProgressInterval = TimeSpan.FromMilliseconds(100),
            Interactive = priority,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var loop = executor.RunAsync(stop.Token);
        long run;
        using (var store = Storage.ResultsStore.Open(database)) run = DissectClassifierJob.CreateRun(store, classifier, "bench-share");
        var id = executor.Enqueue(new JobRequest(JobKind.DissectClassifier, "bench-share", classifier, "bench", run, ResumeOnStart: false));
        try
        {
            var started = await Until(executor, id, j => j.Progress is { Phase: var ph, Done: > 0 } && ph.StartsWith("pass 1", StringComparison.Ordinal), cancel);
            var before = started.Progress!.Done;
            var pausedBefore = priority?.Paused ?? TimeSpan.Zero;
            var clock = Stopwatch.StartNew();
            var ms = await during();
            var seconds = clock.Elapsed.TotalSeconds;
            var now = executor.Get(id)!;
            if (now.State != JobState.Running || now.Progress?.Phase?.StartsWith("pass 1", StringComparison.Ordinal) != true)
                throw new InvalidOperationException("the job left pass 1 before the window ended; give it a larger dataset");
            return (ms, (now.Progress.Done - before) / seconds, (priority?.Paused ?? TimeSpan.Zero) - pausedBefore);
        }
        finally
        {
            executor.Cancel(id);
            await Until(executor, id, j => j.State is not (JobState.Queued or JobState.Running), CancellationToken.None);
            await stop.CancelAsync();
            try { await loop; } catch (OperationCanceledException) { }
            using var store = Storage.ResultsStore.Open(database);
            store.Runs.DeleteRun(run);
        }
    }

    private static async Task<JobRecord> Until(JobExecutor executor, long id, Func<JobRecord, bool> condition, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var job = executor.Get(id) ?? throw new InvalidOperationException($"job {id} vanished");
            if (condition(job)) return job;
            if (job.State is JobState.Failed) throw new InvalidOperationException($"the benchmark's job failed: {job.Message}");
            if (deadline.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"job {id} is {job.State} ({job.Progress?.Phase})");
            await Task.Delay(50, cancel);
        }
    }

    private static double Median(IReadOnlyList<double> values) => values.Count == 0 ? double.NaN : values.Order().ElementAt(values.Count / 2);
}
