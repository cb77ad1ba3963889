// One step of the first start's pipeline as the home page's checklist shows it: what it makes, what it fills, and
// the job (by title) that does it. The demo bootstrap queues the jobs; the checklist only reads their state.
namespace Dissection.Dashboard.Services;

/// <param name="Label">What the step makes, in the user's words.</param>
/// <param name="Fills">What it fills in the dashboard.</param>
/// <param name="JobTitle">The title of the job that does it (a run's job is titled with the run's name).</param>
/// <param name="BudgetSeconds">Its target on a 2-core machine, counted from the first answer; null = no target of its own.</param>
public sealed record DemoStep(string Label, string Fills, string JobTitle, int? BudgetSeconds);
