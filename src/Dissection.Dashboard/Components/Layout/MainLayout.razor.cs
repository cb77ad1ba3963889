// The frame around every page: theme, app bar with navigation (a drawer on phones), the copy-link button, and an error boundary so a
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
    private bool _drawer;

    /// <summary>The app bar's destinations, inline on wide screens and in the drawer on phones.</summary>
    private static readonly (string Href, string Text, string? Id)[] Destinations =
    [
        ("/", "Runs", "nav-runs"), ("/learn", "Learn", "nav-learn"), ("/attack", "Attack", "nav-attack"),
        ("/compare", "Compare", "nav-compare"), ("/try", "Your image", "nav-try"), ("/gan/world-gan", "GAN paint", "nav-gan"),
    ];

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        // After the first render's other after-render work (an InputFile hooks its change listener there): yielding
        // sends that work to the browser before "#circuit-ready", so a file chosen once the page says ready is kept.
        await Task.Yield();
        _interactive = true;
        StateHasChanged();
    }

    protected override void OnInitialized() => Nav.LocationChanged += OnLocationChanged;

    // A new page gets a fresh start, and the drawer closes behind the link that was chosen in it.
    private void OnLocationChanged(object? sender, LocationChangedEventArgs e) => _ = InvokeAsync(() =>
    {
        _drawer = false;
        _boundary?.Recover();
        StateHasChanged();
    });

    public void Dispose() => Nav.LocationChanged -= OnLocationChanged;

    private static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            // Every colour that carries text reaches 4.5:1 (WCAG AA) against white, as axe checks on every page.
            Primary = "#2f4a8a",
            Secondary = "#b45309",
            Success = "#1b5e20",
            Info = "#1565c0",
            Warning = "#8a5300",
            Error = "#c62828",
            TextDisabled = "rgba(0,0,0,0.6)",
            AppbarBackground = "#24385f",
            Background = "#f6f7fb",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
