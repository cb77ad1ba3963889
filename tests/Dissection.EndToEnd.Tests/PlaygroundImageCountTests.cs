// The ablation playground says how many images it measures on, counted from the run's dataset and the stored
// ablation's split (the fixture's 24), not the cap of 1,000.
namespace Dissection.EndToEnd.Tests;

[Collection(DashboardCollection.Name)]
public class PlaygroundImageCountTests(DashboardFixture app)
{
    [Fact]
    public async Task The_playground_names_the_real_image_count()
    {
        var run = VariedRun.For(app);
        var page = await app.NewPage();
        await app.Open(page, $"/runs/{run}/layers/conv5/ablate");
        Assert.Equal($"{DemoResults.Images} images", (await page.Locator("#playground-images").InnerTextAsync()).Trim());
        Assert.DoesNotContain("1000", await page.Locator("body").InnerTextAsync());
        Assert.DoesNotContain("1,000", await page.Locator("body").InnerTextAsync());
        await page.Context.CloseAsync();
    }
}
