// The "copy link" button: copies the current URL (the view's permalink) and also shows it in a text field,
// so it works where the browser refuses clipboard access. A URL longer than Links.MaxDirectLink (a GAN paint session
// with many strokes) is stored in the results database and shared as a short link, /s/{id}, that replays it.
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Dissection.Dashboard.Services;
using Microsoft.JSInterop;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class CopyLink : IDisposable
{
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private StoreAccess Store { get; set; } = default!;
    [Inject] private ILogger<CopyLink> Log { get; set; } = default!;

    private bool _open;
    private string _url = "";
    private string? _message;
    /// <summary>Why the link shown is a short link (or why it could not be one).</summary>
    private string? _shortened;
    private ElementReference _input;

    protected override void OnInitialized()
    {
        _url = Nav.Uri;
        Nav.LocationChanged += OnLocationChanged;
    }

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        _url = e.Location;
        _message = null;
        InvokeAsync(StateHasChanged);
    }

    private async Task Toggle()
    {
        _open = !_open;
        _url = Nav.Uri;
        _message = null;
        if (!_open) return;
        if (_url.Length > Links.MaxDirectLink)
        {
            var target = "/" + Nav.ToBaseRelativePath(_url);
            try
            {
                var id = await Task.Run(() => Store.Write(s => s.Links.SaveShortLink(target)));
                _url = Nav.BaseUri.TrimEnd('/') + Links.Short(id);
                _shortened = $"This view's link is {target.Length:N0} characters long, so it is stored on this dashboard under a short link.";
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
            {
                Log.LogWarning("Could not store a short link: {Message}", e.Message);
                _shortened = $"This link is {target.Length:N0} characters long and could not be stored as a short link; some browsers and servers refuse links this long.";
            }
        }
        else _shortened = null;
        await Copy();
    }

    private async Task Copy()
    {
        bool copied;
        try { copied = await Js.InvokeAsync<bool>("dissection.copy", _url); }
        catch (JSException) { copied = false; }
        _message = copied ? "Copied to the clipboard." : "Select the link above and copy it (the browser did not allow clipboard access).";
    }

    private async Task SelectAll()
    {
        try { await Js.InvokeVoidAsync("dissection.selectAll", _input); } catch (JSException) { }
    }

    public void Dispose() => Nav.LocationChanged -= OnLocationChanged;
}
