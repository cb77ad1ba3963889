// Which distance bounds an adversarial perturbation: the largest single pixel change, or the Euclidean length.
namespace Dissection.Core.Attacks;

public enum AttackNorm
{
    /// <summary>L∞: every pixel value moves by at most ε (in [0,1] units).</summary>
    Linf,
    /// <summary>L2: the whole perturbation, as one vector of 3·H·W pixel values, has length at most ε.</summary>
    L2,
}
