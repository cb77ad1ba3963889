// The frame around every page: theme, app bar with navigation and the copy-link button.
using MudBlazor;

namespace Dissection.Dashboard.Components.Layout;

public partial class MainLayout
{
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
