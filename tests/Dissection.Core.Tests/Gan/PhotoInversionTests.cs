using Dissection.Core.Models;
// Photo inversion on real TorchSharp parts: GanFixture's small generator (8×8 images, layer2 at 4×4), an encoder
// trained against it by the real training loop, refinement, compositing, and the photo's crop and resize.
using Dissection.Core.Gan;
using Dissection.Core.Instrumentation;
using Dissection.Core.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Tests.Gan;

public sealed class PhotoInversionTests
{
    private const string Layer = "layer2";

    private static string SaveGenerator(TempDir dir)
    {
        using var g = GanFixture.Generator();
        var path = dir.File("g.pt");
        g.save_py(path);
        return path;
    }

    private static EncoderTrainingOptions Options(string generator, string output, int steps) =>
        new(generator, output, Layer, Steps: steps, GeneratedSteps: steps, BatchSize: 16, Width: 16, CheckpointEvery: 10, LearningRate: 3e-3);

    /// <summary>Held-out generated samples (seed 99, never a training seed) as 8-bit photos.</summary>
    private static List<(Tensor Features, PhotoPixels Photo)> Samples(ProgressiveGenerator g, LayerCut cut, int count)
    {
        using var z = ZDataset.FromSeed(g.ZDim, 99, count);
        using var zb = z.Batch(0, count);
        var truth = cut.Head(zb);
        using var images = cut.Tail(truth);
        return Enumerable.Range(0, count).Select(i =>
        {
            using var one = images[i];
            return (truth[i].unsqueeze(0).clone(), new PhotoPixels(PhotoPixels.BytesOf(one), g.Resolution, false, false, g.Resolution, g.Resolution));
        }).ToList();
    }

    [Fact]
    public void The_trained_encoder_inverts_generated_samples_so_their_regeneration_matches()
    {
        using var dir = new TempDir();
        var generatorPath = SaveGenerator(dir);
        var encoderPath = dir.File("enc.pt");
        set_num_threads(1);
        EncoderTraining.Train(Options(generatorPath, encoderPath, 400));

        using var g = GanFixture.Generator();
        var cut = InstrumentedModel.Of(g).Cut(Layer);
        using var trained = LatentEncoder.Load(encoderPath);
        using var untrained = new LatentEncoder(trained.Shape);
        var samples = Samples(g, cut, 8);
        double trainedMse = 0, untrainedMse = 0;
        var psnrs = new List<string>();
        foreach (var (truth, photo) in samples)
        {
            using var target = photo.ToTensor();
            using var noGrad = no_grad();
            using var fTrained = trained.call(target).Features;
            using var fUntrained = untrained.call(target).Features;
            trainedMse += nn.functional.mse_loss(fTrained, truth).item<float>();
            untrainedMse += nn.functional.mse_loss(fUntrained, truth).item<float>();
            // Encoder, then refinement: the regeneration reproduces the sample closely.
            using var inverted = PhotoInversion.Invert(g, cut, trained, null, photo, new InversionSettings(Steps: 300));
            psnrs.Add($"{inverted.PsnrPerStep[0].Psnr:F1} -> {inverted.Psnr:F1}");
            Assert.True(inverted.Psnr >= 30, $"regeneration PSNR (encoder -> refined) {string.Join(", ", psnrs)} dB");
            Assert.True(inverted.PsnrPerStep[1].Psnr >= inverted.PsnrPerStep[0].Psnr, "refinement made it worse");
        }
        // The encoder alone predicts the true features far better than an untrained one.
        Assert.True(trainedMse < untrainedMse / 2, $"feature MSE trained {trainedMse / 8:F3} vs untrained {untrainedMse / 8:F3}");
        foreach (var (t, _) in samples) t.Dispose();
    }

    [Fact]
    public void Encoder_training_resumed_from_its_checkpoint_ends_as_an_uninterrupted_run()
    {
        using var dir = new TempDir();
        var generatorPath = SaveGenerator(dir);
        set_num_threads(1);
        EncoderTraining.Train(Options(generatorPath, dir.File("straight.pt"), 20));
        // The "killed" run: stopped by cancellation right after its step-10 checkpoint, then resumed.
        using var cancel = new CancellationTokenSource();
        var progress = new Progress(p => { if (p.Message?.StartsWith("step 10:", StringComparison.Ordinal) == true) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => EncoderTraining.Train(Options(generatorPath, dir.File("resumed.pt"), 20), progress, cancel.Token));
        Assert.Equal(10, LatentEncoder.Load(dir.File("resumed.pt")).Shape.TrainedSteps);
        EncoderTraining.Train(Options(generatorPath, dir.File("resumed.pt"), 20));

        using var a = LatentEncoder.Load(dir.File("straight.pt"));
        using var b = LatentEncoder.Load(dir.File("resumed.pt"));
        var pb = b.state_dict();
        foreach (var (name, p) in a.state_dict()) Assert.True(p.equal(pb[name]).all().item<bool>(), $"{name} differs after resuming");
    }

    [Fact]
    public void Compositing_leaves_every_pixel_outside_the_changed_region_bit_identical()
    {
        var rng = new Random(3);
        const int size = 16;
        var photo = new byte[size * size * 3];
        var recon = new byte[size * size * 3];
        rng.NextBytes(photo);
        rng.NextBytes(recon);
        var edited = (byte[])recon.Clone();
        // The edit moves a 3×3 block by a lot and one far pixel by exactly the tolerated level.
        for (var y = 5; y < 8; y++) for (var x = 5; x < 8; x++) edited[(y * size + x) * 3] = (byte)(recon[(y * size + x) * 3] ^ 0x80);
        edited[(14 * size + 1) * 3 + 2] = (byte)(recon[(14 * size + 1) * 3 + 2] > 127 ? recon[(14 * size + 1) * 3 + 2] - PhotoComposite.ChangeLevel : recon[(14 * size + 1) * 3 + 2] + PhotoComposite.ChangeLevel);

        var result = PhotoComposite.Compose(photo, recon, edited, size);
        for (var p = 0; p < size * size; p++)
        {
            int y = p / size, x = p % size;
            var inside = y is >= 5 - PhotoComposite.Grow and < 8 + PhotoComposite.Grow && x is >= 5 - PhotoComposite.Grow and < 8 + PhotoComposite.Grow;
            Assert.Equal(inside, result.Changed[p]);
            var source = inside ? edited : photo;
            for (var c = 0; c < 3; c++) Assert.Equal(source[p * 3 + c], result.Rgb[p * 3 + c]);
        }
    }

    [Fact]
    public void Compositing_keeps_the_photo_beyond_the_painted_region_even_where_the_edit_reached()
    {
        const int size = 16;
        var photo = Enumerable.Range(0, size * size * 3).Select(i => (byte)(i * 7)).ToArray();
        var recon = new byte[size * size * 3];
        var edited = Enumerable.Repeat((byte)200, size * size * 3).ToArray();   // the edit changed every pixel
        // One painted cell of a 4×4 layer: pixels 4..7 in both directions.
        var mask = new bool[16];
        mask[1 * 4 + 1] = true;
        var region = PhotoComposite.PaintedPixels([new PaintStroke(null, [0], PaintMode.Erase, [], 4, mask)], size);
        Assert.Equal(16, region.Count(r => r));
        var result = PhotoComposite.Compose(photo, recon, edited, size, region);
        for (var p = 0; p < size * size; p++)
        {
            int y = p / size, x = p % size;
            var near = y is >= 4 and < 8 && x is >= 4 and < 8;
            Assert.Equal(near, result.Changed[p]);
            for (var c = 0; c < 3; c++) Assert.Equal((near ? edited : photo)[p * 3 + c], result.Rgb[p * 3 + c]);
        }
    }

    [Fact]
    public void An_erase_stroke_on_an_inverted_photo_changes_only_pixels_near_its_cells()
    {
        using var g = GanFixture.Generator();
        var cut = InstrumentedModel.Of(g).Cut(Layer);
        using var encoder = new LatentEncoder(EncoderShape.For(g.Layout, Layer, width: 16));
        var (truth, photo) = Samples(g, cut, 1)[0];
        using var _ = truth;
        using var inverted = PhotoInversion.Invert(g, cut, encoder, null, photo, new InversionSettings(Steps: 50));
        // Cell (0,0) of the 4×4 layer is pixels 0..1; two 3×3 convs after the nearest upscale reach pixel 3.
        var mask = new bool[16];
        mask[0] = true;
        var stroke = new PaintStroke(null, Enumerable.Range(0, 8).ToList(), PaintMode.Erase, [], 4, mask);
        var result = inverted.Edit([stroke]);
        Assert.True(result.ChangedPixels > 0, "erasing every unit of a cell changed nothing");
        for (var p = 0; p < 64; p++)
        {
            int y = p / 8, x = p % 8;
            if (x < 4 + PhotoComposite.Grow && y < 4 + PhotoComposite.Grow) continue;
            Assert.False(result.Changed[p]);
            for (var c = 0; c < 3; c++) Assert.Equal(photo.Rgb[p * 3 + c], result.Rgb[p * 3 + c]);
        }
        // Replaying from the saved features gives the same picture, byte for byte.
        using var restored = PhotoInversion.Restore(cut, photo, inverted.Features);
        Assert.Equal(result.Rgb, restored.Edit([stroke]).Rgb);
    }

    [Fact]
    public void Adapting_the_later_layers_fits_closer_edits_on_its_own_copy_and_leaves_the_shared_generator_alone()
    {
        using var g = GanFixture.Generator();
        var cut = InstrumentedModel.Of(g).Cut(Layer);
        var before = g.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var encoder = new LatentEncoder(EncoderShape.For(g.Layout, Layer, width: 16));
        var (truth, photo) = Samples(g, cut, 1)[0];
        using var _ = truth;
        using var inverted = PhotoInversion.Invert(g, cut, encoder, null, photo, new InversionSettings(Steps: 30, AdaptSteps: 30));
        Assert.Equal(["encoder", "refined", "adapted"], inverted.PsnrPerStep.Select(p => p.Step));
        Assert.True(inverted.PsnrPerStep[2].Psnr >= inverted.PsnrPerStep[1].Psnr, string.Join(", ", inverted.PsnrPerStep));
        var mask = new bool[16];
        mask[0] = true;
        Assert.True(inverted.Edit([new PaintStroke(null, [0, 1, 2], PaintMode.Erase, [], 4, mask)]).ChangedPixels >= 0);
        foreach (var (name, t) in g.state_dict()) Assert.True(t.equal(before[name]).all().item<bool>(), $"{name} of the shared generator changed");
    }

    [Fact]
    public async Task A_cancelled_inversion_saves_nothing_and_a_saved_one_replays_exactly_in_a_new_session()
    {
        using var dir = new TempDir();
        using var shared = new SharedGenerator("fixture", GanFixture.Generator());
        var cut = await shared.CutAsync(Layer);
        using var encoder = new LatentEncoder(EncoderShape.For(shared.Layout, Layer, width: 16));
        var (truth, photo) = Samples(shared.Generator, cut, 1)[0];
        using var _ = truth;
        var features = PhotoPaintSession.FeaturesPath(dir.File("upload-1.png"));
        var mask = new bool[16];
        mask[5] = true;
        var stroke = new PaintStroke(null, [0, 1, 2, 3], PaintMode.Erase, [], 4, mask);

        using (var session = new PhotoPaintSession(shared, encoder, null))
        {
            using var cancel = new CancellationTokenSource();
            var progress = new SyncProgress<InversionProgress>(p => { if (p.Step >= 20) cancel.Cancel(); });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                session.OpenAsync("upload-1", photo, features, new InversionSettings(Steps: 100), progress, cancel.Token));
            Assert.Empty(Directory.GetFiles(dir.Path));
            await Assert.ThrowsAsync<InvalidOperationException>(() => session.RenderAsync([stroke]));
        }
        byte[] first;
        using (var session = new PhotoPaintSession(shared, encoder, null))
        {
            var opened = await session.OpenAsync("upload-1", photo, features, new InversionSettings(Steps: 100));
            Assert.True(File.Exists(features));
            Assert.Equal(opened.Photo, opened.Edited);
            var edited = await session.RenderAsync([stroke]);
            Assert.True(edited.ChangedPixels > 0);
            first = edited.Edited;
        }
        using (var fresh = new PhotoPaintSession(shared, encoder, null))
        {
            // Other settings would optimise differently: the saved features must be what is used.
            await fresh.OpenAsync("upload-1", photo, features, new InversionSettings(Steps: 3));
            Assert.Equal(first, (await fresh.RenderAsync([stroke])).Edited);
        }
    }

    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    [Fact]
    public void A_photo_of_another_aspect_is_centre_cropped_and_resized_and_says_so()
    {
        using var image = new Image<Rgb24>(30, 10);
        // Left and right thirds red, the centre square blue: only blue may survive the crop.
        for (var y = 0; y < 10; y++) for (var x = 0; x < 30; x++) image[x, y] = x is >= 10 and < 20 ? new Rgb24(0, 0, 255) : new Rgb24(255, 0, 0);
        var photo = PhotoPixels.From(image, 8);
        Assert.True(photo.Cropped);
        Assert.Equal(8 * 8 * 3, photo.Rgb.Length);
        for (var p = 0; p < 64; p++) Assert.Equal(new byte[] { 0, 0, 255 }, photo.Rgb[(p * 3)..(p * 3 + 3)]);
        Assert.Contains("centre-cropped", photo.Note);
        using var square = new Image<Rgb24>(8, 8);
        Assert.Null(PhotoPixels.From(square, 8).Note);
    }

    private sealed class Progress(Action<TrainerProgress> report) : IProgress<TrainerProgress>
    {
        public void Report(TrainerProgress value) => report(value);
    }
}
