// Label numbers of the world's concepts as fields, so the painters read like the scene they draw.
namespace Dissection.Core.World;

internal static class WorldLabels
{
    private static ushort N(string name) => (ushort)WorldCatalog.Number(name);

    // objects
    public static readonly ushort Sky = N("sky"), Cloud = N("cloud"), Sun = N("sun"), Mountain = N("mountain"), Grass = N("grass"),
        Sand = N("sand"), Sea = N("sea"), Lake = N("lake"), Road = N("road"), Tree = N("tree"), Bush = N("bush"), Rock = N("rock"),
        House = N("house"), Car = N("car"), Boat = N("boat"), Fence = N("fence"), Person = N("person"), Pier = N("pier"),
        Cactus = N("cactus"), Cow = N("cow"), Wall = N("wall"), Floor = N("floor"), Window = N("window"), Door = N("door"),
        Bed = N("bed"), Lamp = N("lamp"), Table = N("table"), Chair = N("chair"), Cabinet = N("cabinet"), Sofa = N("sofa"),
        Painting = N("painting"), Rug = N("rug"), Refrigerator = N("refrigerator");

    // parts
    public static readonly ushort Roof = N("roof"), Chimney = N("chimney"), Wheel = N("wheel"), Windshield = N("windshield"),
        Trunk = N("trunk"), Crown = N("crown"), Hull = N("hull"), Sail = N("sail"), Mast = N("mast"), Head = N("head"),
        Torso = N("torso"), Leg = N("leg"), Headboard = N("headboard"), Pillow = N("pillow"), Lampshade = N("lampshade"),
        Tabletop = N("tabletop"), Seat = N("seat"), Backrest = N("backrest"), Drawer = N("drawer"), Handle = N("handle");

    // materials
    public static readonly ushort Brick = N("brick"), Wood = N("wood"), Glass = N("glass"), Water = N("water"), Foliage = N("foliage"),
        Metal = N("metal"), Fabric = N("fabric"), Stone = N("stone"), Tile = N("tile"), Asphalt = N("asphalt"), Plaster = N("plaster");
}
