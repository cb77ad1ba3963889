// Targeted projected gradient descent (PGD): nudges images toward a chosen class while staying inside an L∞ or L2
// ball around the clean image and inside the valid image box [0,1]. The gradient flows through the model's own
// preprocessing, so the perturbation is measured and bounded in pixel units, not normalised-input units.
using Dissection.Core.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Dissection.Core.Attacks;

public static class TargetedAttack
{
    /// <summary>Attacks one image (3,H,W) or (1,3,H,W) in [0,1] toward <paramref name="target"/>.</summary>
    public static AdversarialBatch Run(LoadedModel model, Tensor image, int target, AttackSettings settings,
        IProgress<int>? stepsDone = null, CancellationToken cancel = default)
    {
        if (image.dim() == 3) image = image.unsqueeze(0);
        if (image.dim() != 4 || image.shape[0] != 1)
            throw new ArgumentException($"expected one image (3,H,W) or (1,3,H,W), got [{string.Join(",", image.shape)}]");
        return Run(model, image, [target], settings, stepsDone, cancel);
    }

    /// <summary>
    /// Attacks a batch (B,3,H,W) of images in [0,1], each toward its own target. Every image gets its own gradient
    /// (the loss is summed, not averaged), its own projection and its own early stop, so a batch gives the same images
    /// as one-by-one calls up to floating-point summation order.
    /// Each step: x ← clamp(x − α·dir(∇ CE(model(x), target)), 0, 1), then projection onto the ε-ball around the
    /// clean image followed by a last clamp to [0,1]. dir is sign(g) for L∞ and g/‖g‖₂ for L2. The projection only
    /// shrinks the perturbation and the clamp only moves values toward the (valid) clean image, so the result is
    /// inside both sets.
    /// </summary>
    /// <param name="stepsDone">Reports the number of completed steps (for a progress bar).</param>
    /// <exception cref="ArgumentException">bad shape, values outside [0,1], a target that is not a class, or bad settings.</exception>
    public static AdversarialBatch Run(LoadedModel model, Tensor images, IReadOnlyList<int> targets, AttackSettings settings,
        IProgress<int>? stepsDone = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(settings);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"expected a (B,3,H,W) batch of RGB images, got [{string.Join(",", images.shape)}]");
        var count = checked((int)images.shape[0]);
        if (targets.Count != count) throw new ArgumentException($"{count} images but {targets.Count} targets");
        settings.Validate(images.shape[1] * images.shape[2] * images.shape[3]);

        using var scope = NewDisposeScope();
        var device = model.Device;
        var x0 = images.to(device).to_type(ScalarType.Float32).detach();
        if (count > 0)
        {
            var (lo, hi) = (x0.min().item<float>(), x0.max().item<float>());
            if (!(lo >= 0f && hi <= 1f))
                throw new ArgumentException($"images must hold values in [0,1] (got {lo}..{hi}); attack the image, not the preprocessed input");
        }

        var (cleanProbs, classes) = Predict(model, x0);
        foreach (var t in targets)
            if (t < 0 || t >= classes)
                throw new ArgumentException($"target class {t} does not exist; the model has {classes} classes (0..{classes - 1})");

        var eps = settings.Epsilon;
        var alpha = settings.EffectiveStepSize;
        var target = tensor(targets.Select(t => (long)t).ToArray(), device: device);
        var x = settings.RandomStart && eps > 0 ? RandomStart(x0, settings, device) : x0.clone();
        var active = ones(count, dtype: ScalarType.Bool, device: device);
        var stepsUsed = zeros(count, dtype: ScalarType.Int64, device: device);

        using (enable_grad())
        {
            for (var s = 0; s < settings.Steps && count > 0; s++)
            {
                cancel.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                var xg = x.detach().requires_grad_(true);
                var logits = model.Module.call(model.Preprocessing.Apply(xg));
                if (settings.EarlyStop)
                {
                    active = (active & logits.detach().argmax(1).ne(target)).MoveToOuterDisposeScope();
                    if (!active.any().item<bool>()) break;
                }
                var loss = nn.functional.cross_entropy(logits, target, reduction: nn.Reduction.Sum);
                var grad = torch.autograd.grad([loss], [xg])[0];
                var direction = settings.Norm == AttackNorm.Linf
                    ? grad.sign()
                    : grad / PerImage(grad.flatten(1).norm(1).clamp_min(1e-12));
                var moved = Project(x0, (xg.detach() - alpha * direction).clamp(0, 1), eps, settings.Norm);
                x = where(PerImage(active), moved, x).MoveToOuterDisposeScope();
                stepsUsed = (stepsUsed + active.to_type(ScalarType.Int64)).MoveToOuterDisposeScope();
                stepsDone?.Report(s + 1);
            }
        }

        var (advProbs, _) = Predict(model, x);
        var delta = (x.to_type(ScalarType.Float64) - x0.to_type(ScalarType.Float64)).flatten(1);
        var linf = count > 0 ? delta.abs().amax(1).cpu().data<double>().ToArray() : [];
        var l2 = count > 0 ? delta.norm(1).cpu().data<double>().ToArray() : [];
        var steps = stepsUsed.cpu().data<long>().ToArray();
        var clean = Rows(cleanProbs);
        var adv = Rows(advProbs);
        var outcomes = new AttackOutcome[count];
        for (var i = 0; i < count; i++)
        {
            var source = ArgMax(clean[i]);
            var after = ArgMax(adv[i]);
            var t = targets[i];
            outcomes[i] = new AttackOutcome(t, source, clean[i][source], clean[i][t], after, adv[i][t], adv[i][source],
                (int)steps[i], linf[i], l2[i], after == t, clean[i], adv[i]);
        }
        return new AdversarialBatch(x.detach().MoveToOuterDisposeScope(), outcomes);
    }

    /// <summary>
    /// The point nearest to x that is both within ε of x0 (in the norm) and inside [0,1]. For L∞ clipping each
    /// coordinate is exact; for L2 scaling toward x0 keeps x inside [0,1] (a convex combination of two valid images),
    /// and the final clamp only removes rounding.
    /// </summary>
    internal static Tensor Project(Tensor x0, Tensor x, double eps, AttackNorm norm)
    {
        using var scope = NewDisposeScope();
        var d = x - x0;
        if (norm == AttackNorm.Linf) d = d.clamp(-eps, eps);
        else
        {
            var length = PerImage(d.flatten(1).norm(1));
            // eps / length ≥ 1 inside the ball; an all-zero perturbation (length 0) stays zero.
            var factor = (eps / length.clamp_min(1e-30)).clamp_max(1.0);
            d = d * factor;
        }
        return (x0 + d).clamp(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>A uniformly random point of the ε-ball around x0 (clamped to [0,1]), drawn from a seeded generator.</summary>
    private static Tensor RandomStart(Tensor x0, AttackSettings settings, Device device)
    {
        using var scope = NewDisposeScope();
        // Draw on the CPU so a seed gives the same start on every device.
        using var generator = new Generator(unchecked((ulong)settings.Seed));
        var shape = x0.shape;
        Tensor noise;
        if (settings.Norm == AttackNorm.Linf)
            noise = (rand(shape, generator: generator) * 2 - 1) * settings.Epsilon;
        else
        {
            // Uniform in the ball: a random direction, radius ε·u^(1/n).
            var direction = randn(shape, generator: generator);
            direction /= PerImage(direction.flatten(1).norm(1).clamp_min(1e-12));
            var n = (double)(shape[1] * shape[2] * shape[3]);
            var radius = rand(shape[0], generator: generator).pow(1.0 / n) * settings.Epsilon;
            noise = direction * PerImage(radius);
        }
        var start = (x0 + noise.to(device)).clamp(0, 1);
        return Project(x0, start, settings.Epsilon, settings.Norm).MoveToOuterDisposeScope();
    }

    /// <summary>A per-image value (B) shaped (B,1,1,1) to broadcast over an image batch. Explicit sizes: a
    /// view(-1,1,1,1) once came back from libtorch as shape [0,0,0,0] inside the experiment loop.</summary>
    private static Tensor PerImage(Tensor values) => values.reshape(values.shape[0], 1L, 1L, 1L);

    /// <summary>Softmax probabilities (B,C) for images in [0,1], and the number of classes.</summary>
    private static (Tensor Probabilities, int Classes) Predict(LoadedModel model, Tensor x)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var logits = model.Module.call(model.Preprocessing.Apply(x));
        if (logits.dim() != 2)
            throw new ArgumentException($"the model's output has shape [{string.Join(",", logits.shape)}]; only classifiers " +
                                        "with (B,classes) logits can be attacked");
        return (nn.functional.softmax(logits.to_type(ScalarType.Float32), 1).MoveToOuterDisposeScope(), checked((int)logits.shape[1]));
    }

    private static float[][] Rows(Tensor probabilities)
    {
        var cpu = probabilities.cpu();
        var (b, c) = (checked((int)cpu.shape[0]), checked((int)cpu.shape[1]));
        var flat = cpu.data<float>().ToArray();
        return Enumerable.Range(0, b).Select(i => flat.AsSpan(i * c, c).ToArray()).ToArray();
    }

    internal static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
