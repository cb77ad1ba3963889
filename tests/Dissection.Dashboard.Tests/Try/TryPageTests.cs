// The /try page with its real service, store and model (untrained world-vgg, so no checkpoint is needed): a sample-photo
// permalink is analysed once the circuit is interactive (not while prerendering), refused uploads and bad links show a
// message naming the problem instead of failing, and a good upload is analysed and can be saved under data/uploads/.
using System.Buffers.Binary;
using System.IO.Compression;
using Dissection.Core.Dissection;
using Dissection.Core.Storage;
using Dissection.Dashboard.Components.Pages;
using Dissection.Dashboard.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Dissection.Dashboard.Tests.Try;

public sealed class TryPageTests : IDisposable
{
    private const string Layer = "features.conv5_2";
    private readonly string _root = Directory.CreateTempSubdirectory("dd-try-").FullName;
    private readonly RepoPaths _paths;
    private readonly TryImageService _service;
    private readonly long _run;

    public TryPageTests()
    {
        File.WriteAllText(Path.Combine(_root, RepoPaths.SolutionFile), "");
        var samples = Path.Combine(_root, "data", "samples");
        Directory.CreateDirectory(samples);
        using (var photo = new Image<Rgb24>(90, 60))
        {
            for (var y = 0; y < 60; y++) for (var x = 0; x < 90; x++) photo[x, y] = new Rgb24((byte)(x * 2), (byte)(y * 4), 90);
            photo.SaveAsJpeg(Path.Combine(samples, "stripes.jpg"));
        }
        _paths = new RepoPaths(_root, new DashboardOptions { DataFolders = ["data"], ModelFolders = ["data/models"] });
        var store = new StoreAccess(_paths);
        _service = new TryImageService(store, _paths, NullLogger<TryImageService>.Instance, new Dissection.Core.Work.InteractivePriority());
        _run = store.Read(s =>
        {
            var id = s.Runs.CreateRun("try", "world-vgg", "data/world", [Layer], new DissectionSettings());
            s.Runs.SetStatus(id, RunStatus.Running);
            var units = Enumerable.Range(0, 256).Select(u =>
            {
                var label = new ConceptScore(u % 3 + 1, new[] { "sky", "tree", "grass" }[u % 3], new[] { "scene", "object", "material" }[u % 3], 0.1);
                return new UnitResult(u, 0.05f, label, [label], [label], [], new ActivationHistogram(0f, 1f, new long[4]));
            }).ToList();
            s.Layers.SaveLayer(id, new LayerResult(Layer, [256, 16, 16], units, 10, TimeSpan.FromSeconds(1)));
            s.Runs.SetStatus(id, RunStatus.Done, null, 10);
            return id;
        });
    }

    public void Dispose()
    {
        _service.Dispose();
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private BunitContext Context(bool interactive = true)
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton(_service);
        // Local mode's access services, as the app registers them (Security/SecurityServices).
        ctx.Services.AddSingleton(_paths);
        ctx.Services.AddSingleton<StoreAccess>();
        ctx.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new Dissection.Dashboard.Security.AccessOptions()));
        ctx.Services.AddScoped<BrowserSession>();
        ctx.Services.AddScoped<Dissection.Dashboard.Security.DashboardAccess>();
        ctx.Services.AddScoped<Dissection.Dashboard.Security.GuardedUploads>();
        ctx.Services.AddSingleton<Dissection.Dashboard.Security.HeavyWork>();
        ctx.SetRendererInfo(new RendererInfo("Server", interactive));
        return ctx;
    }

    private IRenderedComponent<TryPage> Open(BunitContext ctx, string query)
    {
        ctx.Services.GetRequiredService<NavigationManager>().NavigateTo("/try" + query);
        return ctx.Render<TryPage>();
    }

    [Fact]
    public async Task Sample_permalink_shows_units_classes_and_the_concept_map()
    {
        await using var ctx = Context();
        var cut = Open(ctx, $"?run={_run}&layer={Layer}&sample=stripes.jpg");
        cut.WaitForElement("#try-map", TimeSpan.FromSeconds(120));
        Assert.Equal(TryImageService.TopUnits, cut.FindAll("#try-units .try-unit").Count);
        Assert.StartsWith("data:image/png;base64,", cut.Find("#try-map").GetAttribute("src"));
        // 90x60 keeps its aspect ratio at 320 px on the long side.
        Assert.Equal(("320", "213"), (cut.Find("#try-map").GetAttribute("width"), cut.Find("#try-map").GetAttribute("height")));
        Assert.Equal(5, cut.FindAll("#try-classes tr").Count);
        Assert.Contains($"/runs/{_run}/layers/features.conv5_2/units/", cut.Find("#try-units a").GetAttribute("href"));
        Assert.Null(cut.FindAll("#try-save").FirstOrDefault());        // a linked sample needs no saving
    }

    [Fact]
    public async Task Prerendering_does_not_run_the_model()
    {
        await using var ctx = Context(interactive: false);
        var cut = Open(ctx, $"?run={_run}&layer={Layer}&sample=stripes.jpg");
        Assert.Empty(cut.FindAll("#try-map"));
        Assert.Empty(cut.FindAll("#try-message"));
    }

    [Theory]
    [InlineData("?run=999", "no finished run #999")]
    [InlineData("?layer=features.conv9_9", "no results for layer 'features.conv9_9'")]
    [InlineData("?sample=../../etc/passwd", "no sample photo")]
    [InlineData("?image=5", "world")]                                  // the run's dataset folder does not exist
    [InlineData("?upload=0123456789abcdef", "no saved upload")]
    public async Task Bad_links_show_a_message_naming_the_problem(string query, string expected)
    {
        await using var ctx = Context();
        var cut = Open(ctx, query);
        cut.WaitForElement("#try-message", TimeSpan.FromSeconds(120));
        Assert.Contains(expected, cut.Find("#try-message").TextContent);
    }

    [Fact]
    public async Task Refused_uploads_say_why()
    {
        await using var ctx = Context();
        var cut = Open(ctx, $"?run={_run}&layer={Layer}");
        var input = cut.FindComponent<InputFile>();

        input.UploadFiles(InputFileContent.CreateFromText("not a picture at all", "cat.jpg"));
        cut.WaitForAssertion(() => Assert.Contains("not an image", cut.Find("#try-message").TextContent));

        input.UploadFiles(InputFileContent.CreateFromBinary(Bomb(60000, 60000), "bomb.png"));
        cut.WaitForAssertion(() => Assert.Contains("too large: 60000x60000", cut.Find("#try-message").TextContent));

        input.UploadFiles(InputFileContent.CreateFromBinary(new byte[11 * 1024 * 1024], "huge.png"));
        cut.WaitForAssertion(() => Assert.Contains("the limit is 10 MB", cut.Find("#try-message").TextContent));
        Assert.Empty(cut.FindAll("#try-map"));
    }

    [Fact]
    public async Task A_grayscale_upload_is_analysed_and_saving_gives_a_permalink()
    {
        await using var ctx = Context();
        var cut = Open(ctx, $"?run={_run}&layer={Layer}");
        using var gray = new Image<L8>(20, 160, new L8(120));                 // 1:8, one channel
        using var png = new MemoryStream();
        gray.SaveAsPng(png);
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(png.ToArray(), "gray.png"));
        cut.WaitForElement("#try-map", TimeSpan.FromSeconds(120));
        Assert.Contains("gray.png", cut.Find("#try-upload-chip").TextContent);

        cut.Find("#try-save").Click();
        var nav = ctx.Services.GetRequiredService<NavigationManager>();
        cut.WaitForAssertion(() => Assert.Matches("upload=[0-9a-f]{16}", nav.Uri));
        var saved = Assert.Single(Directory.GetFiles(Path.Combine(_root, "data", "uploads")));
        Assert.Equal(png.ToArray(), File.ReadAllBytes(saved));
    }

    /// <summary>A valid PNG header claiming width x height over 64 zero bytes of data.</summary>
    private static byte[] Bomb(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = 2;
        Chunk(png, "IHDR", ihdr);
        using (var z = new MemoryStream())
        {
            using (var zlib = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(new byte[64]);
            Chunk(png, "IDAT", z.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(head, data.Length);
        s.Write(head);
        var body = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(body);
        BinaryPrimitives.WriteUInt32BigEndian(head, Crc(body));
        s.Write(head);
    }

    private static uint Crc(byte[] bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            c ^= b;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xFFFFFFFF;
    }
}
