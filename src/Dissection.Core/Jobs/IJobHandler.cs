// The work of one job kind. The executor owns the job's life (state, progress, heartbeat, cancel, the failure
// message); a handler only does the work, reports progress through its context and throws when it cannot go on.
// Most handlers derive from JobHandler<TParameters>, which reads their parameter record back from the job.
using System.Text.Json;
using System.Text.Json.Serialization;
using Dissection.Core.Work;

namespace Dissection.Core.Jobs;

public interface IJobHandler
{
    JobKind Kind { get; }

    /// <summary>
    /// Checks a job's parameters (JSON) before it is queued, so that a form or the CLI can name the bad field at once.
    /// Throws JobParameterException. The work checks again when it starts: files can vanish while a job waits.
    /// </summary>
    /// <param name="root">The folder relative paths in the parameters are resolved against.</param>
    void Validate(string parameters, string root);

    /// <summary>
    /// Does the work. Must be resumable: a resumed job is executed again with the same parameters and keeps what it
    /// saved before (e.g. the layers a dissection had stored). Throws OperationCanceledException on cancel.
    /// </summary>
    void Execute(JobContext context);
}

/// <summary>A handler whose parameters are one record, stored as JSON.</summary>
public abstract class JobHandler<TParameters> : IJobHandler where TParameters : class
{
    public abstract JobKind Kind { get; }

    /// <summary>Throws JobParameterException naming the field.</summary>
    protected abstract void Validate(TParameters parameters, string root);

    protected abstract void Execute(JobContext context, TParameters parameters);

    public void Validate(string parameters, string root) => Validate(Read(parameters), root);

    public void Execute(JobContext context)
    {
        var parameters = Read(context.Job.Parameters);
        Validate(parameters, context.Root);
        Execute(context, parameters);
    }

    private static TParameters Read(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TParameters>(json, JobJson.Options)
                   ?? throw new JobParameterException("parameters", "The job has no parameters.");
        }
        catch (JsonException e)
        {
            throw new JobParameterException(e.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : "parameters",
                "The job's parameters cannot be read: " + e.Message.Split(" Path:", 2)[0]);
        }
    }
}

/// <summary>How job parameters are written and read: web names, enums as words.</summary>
public static class JobJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
