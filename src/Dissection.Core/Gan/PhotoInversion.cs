// Photo inversion (Bau et al., "Semantic photo manipulation with a generative image prior", SIGGRAPH 2019): the
// encoder guesses the edit layer's features of a photo; per-image refinement then optimises those features (Adam,
// pixel MSE plus a classifier feature loss) so the generator's tail reproduces the photo; optionally the layers after
// the edit layer are briefly adapted to the image (the paper's image-specific adaptation, on a private copy of the
// generator, so the shared one never changes). The result edits like a generated sample: strokes act on the
// inverted features, the tail renders, and PhotoComposite keeps the photo's own pixels outside the changed region.
using System.Diagnostics;
using Dissection.Core.Instrumentation;
using Dissection.Core.Models;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

/// <param name="Steps">Refinement steps on the features (0: the encoder's guess as it is).</param>
/// <param name="FeatureWeight">Weight of the classifier feature loss against the pixel MSE (in [-1,1] units).</param>
/// <param name="AdaptSteps">Steps adapting the layers after the edit layer (0: none).</param>
public sealed record InversionSettings(int Steps = 200, double LearningRate = 0.03, double FeatureWeight = 0.05,
    int AdaptSteps = 0, double AdaptLearningRate = 1e-3)
{
    /// <exception cref="ArgumentException">a setting out of range.</exception>
    public void Validate()
    {
        if (Steps is < 0 or > 5000) throw new ArgumentException($"refinement steps must be within 0..5000, got {Steps}");
        if (AdaptSteps is < 0 or > 5000) throw new ArgumentException($"adaptation steps must be within 0..5000, got {AdaptSteps}");
        if (!(LearningRate > 0) || !(AdaptLearningRate > 0)) throw new ArgumentException("learning rates must be positive");
        if (!(FeatureWeight >= 0)) throw new ArgumentException($"the feature weight must be 0 or more, got {FeatureWeight}");
    }
}

public sealed record InversionProgress(string Phase, int Step, int Total);

/// <summary>A photo inverted into a generator: its features at the edit layer and the tail that renders them.</summary>
public sealed class InvertedPhoto : IDisposable
{
    private readonly ProgressiveGenerator? _adapted;

    internal InvertedPhoto(PhotoPixels photo, string layer, Tensor features, LayerCut cut, ProgressiveGenerator? adapted, byte[] reconstruction,
        IReadOnlyList<(string Step, double Psnr)> psnrs, double milliseconds)
    {
        Photo = photo;
        Layer = layer;
        Features = features;
        Cut = cut;
        _adapted = adapted;
        Reconstruction = reconstruction;
        PsnrPerStep = psnrs;
        Milliseconds = milliseconds;
    }

    public PhotoPixels Photo { get; }
    public string Layer { get; }
    /// <summary>(1,C,s,s): the inverted features of the edit layer.</summary>
    public Tensor Features { get; }
    /// <summary>The cut that renders them: the shared generator's, or the adapted copy's.</summary>
    public LayerCut Cut { get; }
    /// <summary>The unedited reconstruction, S×S×3 bytes.</summary>
    public byte[] Reconstruction { get; }
    /// <summary>PSNR against the photo after each step that ran: "encoder", "refined", "adapted".</summary>
    public IReadOnlyList<(string Step, double Psnr)> PsnrPerStep { get; }
    public double Psnr => PsnrPerStep[^1].Psnr;
    public double Milliseconds { get; }
    public bool Adapted => _adapted is not null;

    /// <summary>The generator's picture of the inverted features with the strokes applied (no compositing).</summary>
    public byte[] Render(IReadOnlyList<PaintStroke> strokes)
    {
        using var scope = NewDisposeScope();
        var edited = strokes.Count == 0 ? Features : UnitEdit.Apply(Features, strokes.Select(s => s.ToEdit(Layer)).ToList());
        using var output = Cut.Tail(edited);
        return PhotoPixels.BytesOf(output[0]);
    }

    /// <summary>The strokes applied and the result composited into the photo (outside the changed part of the painted
    /// region, the photo's own bytes).</summary>
    public CompositedPhoto Edit(IReadOnlyList<PaintStroke> strokes) =>
        PhotoComposite.Compose(Photo.Rgb, Reconstruction, strokes.Count == 0 ? Reconstruction : Render(strokes), Photo.Size,
            PhotoComposite.PaintedPixels(strokes, Photo.Size));

    public void Dispose()
    {
        Features.Dispose();
        _adapted?.Dispose();
    }
}

public static class PhotoInversion
{
    /// <param name="cut">The generator cut at the encoder's layer (SharedGenerator.CutAsync or InstrumentedModel.Cut).</param>
    /// <param name="featureLoss">The classifier feature loss; null uses the pixel loss alone.</param>
    /// <exception cref="OperationCanceledException">cancelled; nothing is kept.</exception>
    public static InvertedPhoto Invert(ProgressiveGenerator generator, LayerCut cut, LatentEncoder encoder, PhotoFeatureLoss? featureLoss,
        PhotoPixels photo, InversionSettings settings, IProgress<InversionProgress>? progress = null, CancellationToken cancel = default)
    {
        settings.Validate();
        encoder.CheckFits(generator.Layout);
        if (cut.Layer != encoder.Shape.Layer) throw new ArgumentException($"the cut is at {cut.Layer}, the encoder predicts {encoder.Shape.Layer}");
        if (photo.Size != generator.Resolution) throw new ArgumentException($"the photo is {photo.Size} px, the generator draws {generator.Resolution} px");
        var clock = Stopwatch.StartNew();
        var psnrs = new List<(string, double)>();
        ProgressiveGenerator? adapted = null;
        Tensor? features = null;
        try
        {
            // Made before the dispose scope opens: a module built inside one would lose its weights when it closes.
            if (settings.AdaptSteps > 0) adapted = AdaptedCopy(generator, cut.Layer);
            using var scope = NewDisposeScope();
            var target = photo.ToTensor();
            Tensor guess;
            using (no_grad()) guess = encoder.call(target).Features;
            psnrs.Add(("encoder", Psnr(photo.Rgb, Render(cut, guess))));

            var targetFeatures = featureLoss is null ? null : Detached(featureLoss.Features(target));
            Tensor Loss(Tensor output)
            {
                // Pictures saturate at the range's ends (GeneratedImages clamps): pushing a clipped pixel back in gains nothing.
                output = output.clamp(-1, 1);
                var loss = nn.functional.mse_loss(output, target);
                if (targetFeatures is not null && settings.FeatureWeight > 0)
                    loss = loss + settings.FeatureWeight * nn.functional.mse_loss(featureLoss!.Features(output), targetFeatures);
                return loss;
            }

            var f = guess.detach().clone();
            if (settings.Steps > 0)
            {
                // Adam by hand on the one tensor: autograd.grad touches only f, so no gradient lands in the (shared)
                // generator's or the classifier's weights.
                var m = zeros_like(f);
                var v = zeros_like(f);
                const double b1 = 0.9, b2 = 0.999;
                for (var t = 1; t <= settings.Steps; t++)
                {
                    cancel.ThrowIfCancellationRequested();
                    using var step = NewDisposeScope();
                    using var grad = enable_grad();
                    var x = f.detach().requires_grad_(true);
                    var loss = Loss(cut.Tail(x, gradients: true));
                    var g = autograd.grad([loss], [x])[0].detach();
                    using (no_grad())
                    {
                        m.mul_(b1).add_(g, alpha: 1 - b1);
                        v.mul_(b2).addcmul_(g, g, value: 1 - b2);
                        var mHat = m / (1 - Math.Pow(b1, t));
                        var vHat = v / (1 - Math.Pow(b2, t));
                        // The rate falls linearly to a tenth: Adam's steps at a fixed rate leave the fit jittering.
                        var rate = settings.LearningRate * (1 - 0.9 * (t - 1) / settings.Steps);
                        f.sub_(mHat / (vHat.sqrt() + 1e-8) * rate);
                    }
                    if (t % 10 == 0 || t == settings.Steps) progress?.Report(new InversionProgress("refining", t, settings.Steps));
                }
                psnrs.Add(("refined", Psnr(photo.Rgb, Render(cut, f))));
            }

            var renderCut = cut;
            if (settings.AdaptSteps > 0)
            {
                var trainable = adapted!.parameters().Where(p => p.requires_grad).ToList();
                renderCut = InstrumentedModel.Of(adapted).Cut(cut.Layer);
                var opt = optim.Adam(trainable, settings.AdaptLearningRate);
                var fixedFeatures = f.detach();
                for (var t = 1; t <= settings.AdaptSteps; t++)
                {
                    cancel.ThrowIfCancellationRequested();
                    using var step = NewDisposeScope();
                    using var grad = enable_grad();
                    var loss = Loss(renderCut.Tail(fixedFeatures, gradients: true));
                    opt.zero_grad();
                    loss.backward();
                    opt.step();
                    if (t % 10 == 0 || t == settings.AdaptSteps) progress?.Report(new InversionProgress("adapting", t, settings.AdaptSteps));
                }
                foreach (var p in trainable) p.requires_grad = false;
                psnrs.Add(("adapted", Psnr(photo.Rgb, Render(renderCut, f))));
            }
            features = f.DetachFromDisposeScope();
            var reconstruction = Render(renderCut, features);
            return new InvertedPhoto(photo, cut.Layer, features, renderCut, adapted, reconstruction, psnrs, clock.Elapsed.TotalMilliseconds);
        }
        catch
        {
            features?.Dispose();
            adapted?.Dispose();
            throw;
        }
    }

    /// <summary>A photo's inversion from features saved earlier (`dissect invert` writes them): no optimisation, so an
    /// edit replays exactly. Without adaptation; the features are copied.</summary>
    /// <exception cref="ArgumentException">features that do not fit the cut's layer.</exception>
    public static InvertedPhoto Restore(LayerCut cut, PhotoPixels photo, Tensor features)
    {
        Tensor copy = features.dim() == 3 ? features.unsqueeze(0).clone() : features.clone();
        try
        {
            var reconstruction = Render(cut, copy);
            if (reconstruction.Length != photo.Rgb.Length) throw new ArgumentException("the features render another size than the photo");
            return new InvertedPhoto(photo, cut.Layer, copy, cut, null, reconstruction, [("restored", Psnr(photo.Rgb, reconstruction))], 0);
        }
        catch (Exception e)
        {
            copy.Dispose();
            if (e is ArgumentException) throw;
            throw new ArgumentException($"the saved features ({string.Join("x", features.shape)}) do not fit {cut.Layer}: {e.Message.Split('\n')[0]}", e);
        }
    }

    /// <summary>PSNR in dB of two 8-bit pictures of the same size (∞ when equal).</summary>
    public static double Psnr(byte[] a, byte[] b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException("pictures differ in size");
        double sum = 0;
        for (var i = 0; i < a.Length; i++) { double d = a[i] - b[i]; sum += d * d; }
        var mse = sum / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    private static byte[] Render(LayerCut cut, Tensor features)
    {
        using var output = cut.Tail(features);
        return PhotoPixels.BytesOf(output[0]);
    }

    private static Tensor Detached(Tensor t)
    {
        var d = t.detach();
        t.Dispose();
        return d;
    }

    /// <summary>A private copy of the generator whose blocks after the layer are trainable (the rest frozen).</summary>
    private static ProgressiveGenerator AdaptedCopy(ProgressiveGenerator generator, string layer)
    {
        var copy = new ProgressiveGenerator(generator.Layout);
        var after = generator.IndexOfBlock(layer);
        var names = generator.Layout.BlockNames;
        using (no_grad())
        {
            var source = generator.state_dict();
            foreach (var (name, p) in copy.named_parameters())
            {
                p.copy_(source[name]);
                var block = name[..name.IndexOf('.')];
                p.requires_grad = names.ToList().IndexOf(block) > after;
            }
            foreach (var (name, b) in copy.named_buffers()) b.copy_(source[name]);
        }
        copy.eval();
        return copy;
    }
}
