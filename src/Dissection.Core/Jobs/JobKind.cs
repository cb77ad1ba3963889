// The kinds of long work the executor runs. Stored by name in the jobs table, so a new kind is appended freely;
// each kind has one IJobHandler that does its work.
namespace Dissection.Core.Jobs;

public enum JobKind
{
    /// <summary>Dissect layers of a classifier on a concept dataset (`dissect run`).</summary>
    DissectClassifier,
    /// <summary>Dissect layers of a generator on its own samples (`dissect run --dataset z:SEED:COUNT`).</summary>
    DissectGenerator,
    /// <summary>Unit → class importance of one layer of a run (`dissect ablate`).</summary>
    Ablate,
    /// <summary>A GAN concept's removal curve and context-insertion experiment (`dissect gan-removal`, `gan-context`).</summary>
    GanCausal,
    /// <summary>A batch of targeted adversarial attacks seen through the units (`dissect attack`).</summary>
    Attack,
    /// <summary>An image folder labelled by a segmenter into a concept dataset (`dissect label`).</summary>
    Label,
    /// <summary>A run's static HTML report (the dashboard's handler: it draws with the dashboard's thumbnails).</summary>
    Report,
}
