// The frame around every page: theme, app bar with navigation, the copy-link button, and an error boundary so a
// failing view (say, an unreadable database) shows its reason instead of breaking the whole circuit.
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Dissection.Dashboard.Components.Layout;

public partial class MainLayout : IDisposable
{
    [Inject] private NavigationManager Nav { get; set; } = default!;
    private ErrorBoundary? _boundary;
    private bool _interactive;

    protected override void OnAfterRender(bool firstRender)
    {
        if (!firstRender) return;
        _interactive = true;
        StateHasChanged();
    }

    protected override void OnInitialized() => Nav.LocationChanged += OnLocationChanged;

    // A new page gets a fresh start.
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = InvokeAsync(() => _boundary?.Recover());

    public void Dispose() => Nav.LocationChanged -= OnLocationChanged;

    private static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2f4a8a",
            Secondary = "#f28e2b",
            AppbarBackground = "#24385f",
            Background = "#f6f7fb",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
