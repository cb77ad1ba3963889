// One painter's photo on a shared generator (what the playground's "Your photo" source needs from the engine): the
// photo is inverted once, under the generator's gate, with progress and cancellation, and its inverted features are
// saved beside the photo (written under a temporary name and moved only when the inversion finished), so a permalink
// opened later restores the same features instead of optimising again and replays its strokes exactly. Renders
// composite each edit into the photo (PhotoComposite). Returns PNGs.

namespace Dissection.Core.Gan;

/// <summary>The pictures a photo paint view shows, as PNG bytes.</summary>
public sealed record PhotoPictures(byte[] Photo, byte[] Reconstruction, byte[] Edited, int ChangedPixels, double ReconstructionPsnr, string? Note);

public sealed class PhotoPaintSession(SharedGenerator generator, LatentEncoder encoder, PhotoFeatureLoss? featureLoss) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _key;
    private InvertedPhoto? _inverted;
    private byte[]? _photoPng, _reconstructionPng;

    /// <summary>The saved features of a photo: FEATURES-FILE beside it ("NAME.features.npy").</summary>
    public static string FeaturesPath(string photoPath) => Path.ChangeExtension(photoPath, null) + ".features.npy";

    /// <summary>Inverts the photo (or restores its saved features) unless this session holds it already.</summary>
    /// <param name="key">What names the photo (a saved upload's id); the features are cached per key.</param>
    /// <param name="featuresFile">Where its features are saved and found again; null keeps them in memory only.</param>
    /// <exception cref="OperationCanceledException">cancelled: nothing is kept or saved.</exception>
    public async Task<PhotoPictures> OpenAsync(string key, PhotoPixels photo, string? featuresFile, InversionSettings settings,
        IProgress<InversionProgress>? progress = null, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_key != key || _inverted is null)
            {
                Forget();
                var cut = await generator.CutAsync(encoder.Shape.Layer, ct);
                InvertedPhoto inverted;
                if (featuresFile is not null && File.Exists(featuresFile))
                {
                    using var saved = Npy.ReadTensor(featuresFile);
                    inverted = await generator.RunAsync(() => PhotoInversion.Restore(cut, photo, saved), ct);
                }
                else
                {
                    inverted = await generator.RunAsync(() => PhotoInversion.Invert(generator.Generator, cut, encoder, featureLoss, photo,
                        settings with { AdaptSteps = 0 }, progress, ct), ct);
                    if (featuresFile is not null)
                    {
                        Npy.Write(featuresFile + ".tmp", inverted.Features);
                        File.Move(featuresFile + ".tmp", featuresFile, overwrite: true);
                    }
                }
                (_key, _inverted) = (key, inverted);
                _photoPng = PhotoPixels.Png(photo.Rgb, photo.Size);
                _reconstructionPng = PhotoPixels.Png(inverted.Reconstruction, photo.Size);
            }
            // Unedited, the composite is the photo itself.
            return new PhotoPictures(_photoPng!, _reconstructionPng!, _photoPng!, 0, _inverted.Psnr, _inverted.Photo.Note);
        }
        finally { _gate.Release(); }
    }

    /// <summary>The open photo with the strokes applied at the encoder's layer, composited into the photo.</summary>
    /// <exception cref="InvalidOperationException">no photo is open.</exception>
    public async Task<PhotoPictures> RenderAsync(IReadOnlyList<PaintStroke> strokes, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var inverted = _inverted ?? throw new InvalidOperationException("no photo is open; invert one first");
            var composite = strokes.Count == 0 ? null : await generator.RunAsync(() => inverted.Edit(strokes), ct);
            var edited = composite is null ? _photoPng! : PhotoPixels.Png(composite.Rgb, inverted.Photo.Size);
            return new PhotoPictures(_photoPng!, _reconstructionPng!, edited, composite?.ChangedPixels ?? 0, inverted.Psnr, inverted.Photo.Note);
        }
        finally { _gate.Release(); }
    }

    private void Forget()
    {
        _inverted?.Dispose();
        (_key, _inverted, _photoPng, _reconstructionPng) = (null, null, null, null);
    }

    public void Dispose()
    {
        if (!_gate.Wait(0)) return;
        try { Forget(); }
        finally { _gate.Release(); }
    }
}
