// The "copy link" button: copies the current URL (the view's permalink) and also shows it in a text field,
// so it works where the browser refuses clipboard access.
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.JSInterop;

namespace Dissection.Dashboard.Components.Shared;

public sealed partial class CopyLink : IDisposable
{
    [Inject] private NavigationManager Nav { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;

    private bool _open;
    private string _url = "";
    private string? _message;
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
        if (_open) await Copy();
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
