// Where a job is in its life: Queued → Running → one of the four ends. Interrupted means the process that ran it
// stopped (shutdown, crash, kill -9): the job can be resumed, keeping what it had finished.
namespace Dissection.Core.Jobs;

public enum JobState { Queued, Running, Done, Failed, Cancelled, Interrupted }

public static class JobStates
{
    /// <summary>Done, Failed or Cancelled: nothing will happen to the job any more unless it is resumed.</summary>
    public static bool IsFinal(this JobState state) => state is JobState.Done or JobState.Failed or JobState.Cancelled;

    /// <summary>Interrupted or Failed jobs can be started again; they keep what they had saved.</summary>
    public static bool IsResumable(this JobState state) => state is JobState.Interrupted or JobState.Failed;
}
