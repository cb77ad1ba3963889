// `dissect edit`: apply paint strokes (a JSON file, see StrokeFile) to a photo inverted into the generator, and write
// the edit composited into the photo (pixels the edit did not change are the photo's own). With --features (from
// `dissect invert`) the saved inversion is reused, so the same command gives the same PNG every time.
using System.CommandLine;
using Dissection.Core.Gan;

namespace Dissection.Cli.Commands;

public sealed class EditCommand : Verb
{
    private readonly PhotoOptions _photo = new();
    private readonly Option<string> _image = CliOptions.Text("--photo", "the photo (JPEG, PNG, WebP; centre-cropped and resized to the generator's size)", "FILE", required: true);
    private readonly Option<string> _strokes = CliOptions.Text("--strokes", "strokes as JSON: {\"layer\":\"layer4\",\"strokes\":[{\"units\":[..],\"mode\":\"erase\",\"box\":[x0,y0,x1,y1]}]}", "FILE.json", required: true);
    private readonly Option<string> _features = CliOptions.Text("--features", "inverted features from `dissect invert` (NAME.features.npy) instead of inverting again", "FILE.npy");
    private readonly Option<string> _out = CliOptions.Text("--out", "the edited photo", "FILE.png", required: true);
    private readonly Option<string> _raw = CliOptions.Text("--raw", "also write the generator's edited picture before compositing", "FILE.png");

    public EditCommand() : base("edit", "Paint on a photo: invert it into the generator, apply unit strokes, composite into the photo")
    {
        Add(_photo.All);
        Add(_image, _strokes, _features, _out, _raw);
    }

    protected override int Run(ParseResult parse, CancellationToken cancel)
    {
        using var inverter = _photo.Load(parse);
        var photo = PhotoPixels.Load(parse.GetValue(_image)!, inverter.Generator.Resolution);
        var shape = inverter.Encoder.Shape;
        var strokes = StrokeFile.Read(parse.GetValue(_strokes)!, shape.Layer, shape.Side, shape.Channels, shape.Resolution);
        var featuresFile = parse.GetValue(_features);
        InvertedPhoto inverted;
        if (featuresFile is not null)
        {
            using var features = Npy.ReadTensor(featuresFile);
            inverted = PhotoInversion.Restore(inverter.Cut, photo, features);
        }
        else inverted = inverter.Invert(photo, _photo.Settings(parse), cancel);
        using (inverted)
        {
            var result = inverted.Edit(strokes);
            File.WriteAllBytes(parse.GetValue(_out)!, PhotoPixels.Png(result.Rgb, photo.Size));
            if (parse.GetValue(_raw) is { } raw) File.WriteAllBytes(raw, PhotoPixels.Png(inverted.Render(strokes), photo.Size));
            if (photo.Note is { } note) Console.WriteLine(note);
            Console.WriteLine($"{strokes.Count} strokes: {result.ChangedPixels} of {photo.Size * photo.Size} pixels changed " +
                              $"(reconstruction PSNR {inverted.Psnr:F2} dB); written to {parse.GetValue(_out)}");
        }
        return 0;
    }
}
