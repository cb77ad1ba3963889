// What one targeted attack did to one image: predictions before and after, steps used, and the perturbation's size.
namespace Dissection.Core.Attacks;

/// <param name="CleanClass">The clean image's top prediction: the attack's source class.</param>
/// <param name="CleanProbability">Probability of CleanClass on the clean image.</param>
/// <param name="CleanTargetProbability">Probability of the target on the clean image.</param>
/// <param name="AdversarialClass">Top prediction on the adversarial image.</param>
/// <param name="TargetProbability">Probability of the target on the adversarial image.</param>
/// <param name="SourceProbability">Probability of CleanClass on the adversarial image.</param>
/// <param name="Steps">Gradient steps applied to this image (fewer than the budget when it stopped early).</param>
/// <param name="Linf">Largest change of one pixel value, in [0,1] units.</param>
/// <param name="L2">Euclidean length of the whole perturbation, in [0,1] units.</param>
/// <param name="Success">The target is the adversarial image's top prediction.</param>
public sealed record AttackOutcome(
    int Target,
    int CleanClass,
    float CleanProbability,
    float CleanTargetProbability,
    int AdversarialClass,
    float TargetProbability,
    float SourceProbability,
    int Steps,
    double Linf,
    double L2,
    bool Success,
    float[] CleanProbabilities,
    float[] AdversarialProbabilities);
