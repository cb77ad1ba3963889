// The synthetic world's vocabulary: every scene and concept with a plain-language description (for the teaching pages)
// and its global label number, fixed by catalog order so that every generated world numbers its labels the same way.
namespace Dissection.Core.World;

/// <param name="Number">Global label number (unique across categories; 0 is '-').</param>
public sealed record WorldConcept(int Number, string Name, string Category, string Description);

/// <param name="ClassIndex">Index of the scene in a classifier's output (order of scene label numbers).</param>
public sealed record WorldScene(int Number, int ClassIndex, string Name, string Description, IReadOnlyList<string> TypicalObjects);

public static class WorldCatalog
{
    /// <summary>Pixel-level categories first, then the image-level one, in label-number order.</summary>
    public static readonly IReadOnlyList<string> Categories = ["object", "part", "material", "color", "scene"];

    private static readonly (string Name, string Description)[] ObjectDefs =
    [
        ("sky", "The blue gradient above the horizon in every outdoor scene; lighter near the horizon."),
        ("cloud", "White puffy blobs made of overlapping ellipses, floating in the sky of outdoor scenes."),
        ("sun", "A yellow-orange disc in the sky; most common at the beach and in the desert."),
        ("mountain", "Large grey, brown or blue-grey triangles on the horizon, sometimes snow-capped; stone texture. Typical of mountain lakes, also behind forests and deserts."),
        ("grass", "The green ground with a leafy texture: forests, farms, streets and lake shores."),
        ("sand", "Pale yellow, finely speckled ground with gentle dune stripes: beaches and deserts."),
        ("sea", "A wide band of blue water with bright ripple streaks: beaches and harbors."),
        ("lake", "A blue water body in a valley, below mountains: mountain lakes."),
        ("road", "A dark grey asphalt band with a dashed white centre line: streets."),
        ("tree", "A brown wooden trunk under a green leafy crown (round or conifer-shaped). Many in forests, a few almost everywhere outdoors."),
        ("bush", "Low dark-green leafy blobs on the ground: forests, farms, streets."),
        ("rock", "Irregular grey stone polygons: lake shores, forests, beaches, deserts."),
        ("house", "A box with a plaster or brick wall, a triangular tiled roof, often a chimney, windows and a door: streets, harbors, farms."),
        ("car", "A painted metal body with a cabin, a glass windshield and two black wheels: streets."),
        ("boat", "A hull floating on water, usually with a mast and a white triangular sail: harbors, beaches, lakes."),
        ("fence", "Wooden posts joined by two rails: farms and streets."),
        ("person", "A small figure with a head, a coloured torso and two legs: streets, beaches, harbors."),
        ("pier", "A wooden deck on posts reaching over the water: harbors."),
        ("cactus", "A green ribbed column with one or two arms: deserts."),
        ("cow", "A white body with black spots, a head and four legs: farms."),
        ("wall", "The upper background of every indoor scene: painted plaster, brick or wooden panels."),
        ("floor", "The lower background of every indoor scene: wooden boards or tiles."),
        ("window", "A framed glass pane with cross bars: on house fronts outdoors and on walls indoors."),
        ("door", "A tall wooden rectangle with a knob: on house fronts and indoor walls."),
        ("bed", "A wide low mattress with a blanket, a wooden headboard and pillows: bedrooms."),
        ("lamp", "A fabric lampshade on a thin metal stand or cord: bedrooms, living rooms, kitchens."),
        ("table", "A wooden top on legs: kitchens and living rooms."),
        ("chair", "A seat with a backrest and legs: kitchens and living rooms."),
        ("cabinet", "A box of wood or painted panels with drawers and metal handles: kitchens, bedrooms (nightstands), living rooms."),
        ("sofa", "A long fabric seat with a backrest and arms: living rooms."),
        ("painting", "A framed rectangle with an abstract picture, hung on a wall: living rooms and bedrooms."),
        ("rug", "A patterned fabric ellipse or rectangle on the floor: bedrooms and living rooms."),
        ("refrigerator", "A tall white or silver metal box with a handle: kitchens."),
    ];

    private static readonly (string Name, string Description)[] PartDefs =
    [
        ("roof", "The triangular tiled top of a house."),
        ("chimney", "A small brick column standing on a house roof."),
        ("wheel", "The black discs under a car."),
        ("windshield", "The glass of a car's cabin."),
        ("trunk", "The brown wooden stem of a tree."),
        ("crown", "The green leafy top of a tree."),
        ("hull", "The body of a boat that sits in the water."),
        ("sail", "The white triangle of fabric on a boat's mast."),
        ("mast", "The thin wooden pole of a boat."),
        ("head", "The head of a person or a cow."),
        ("torso", "The body of a person or a cow."),
        ("leg", "Legs of people, cows, tables, chairs and beds."),
        ("headboard", "The wooden board at the head of a bed."),
        ("pillow", "The white cushions on a bed."),
        ("lampshade", "The fabric cone of a lamp."),
        ("tabletop", "The flat top of a table."),
        ("seat", "The part of a chair or sofa one sits on."),
        ("backrest", "The upright back of a chair or sofa."),
        ("drawer", "The front panels of a cabinet."),
        ("handle", "Small metal handles of cabinets and refrigerators."),
    ];

    private static readonly (string Name, string Description)[] MaterialDefs =
    [
        ("brick", "Reddish blocks in offset rows separated by light mortar lines: house walls, chimneys, some indoor walls."),
        ("wood", "Brown with wavy horizontal grain: tree trunks, doors, fences, piers, furniture, floors."),
        ("glass", "Pale blue-grey with bright diagonal reflections: windows and windshields."),
        ("water", "Blue with bright horizontal ripple streaks: sea and lakes."),
        ("foliage", "Green with dense leafy speckle: grass, tree crowns, bushes."),
        ("metal", "Smooth painted or silver surface with fine brushed lines and a soft highlight: cars, lamps, handles, refrigerators."),
        ("fabric", "A fine woven checker with a plaid stripe: sails, beds, sofas, rugs, lampshades, clothes."),
        ("stone", "Grey blotchy texture at two scales: rocks and mountains."),
        ("tile", "Square tiles with dark grout lines: roofs, kitchen walls and floors."),
        ("asphalt", "Dark grey with salt-and-pepper speckle: roads."),
        ("plaster", "A nearly flat painted surface with faint mottling: house and room walls."),
    ];

    private static readonly (string Name, string Description)[] ColorDefs =
    [
        ("black", "Pixels nearest to black."), ("blue", "Pixels nearest to blue."), ("brown", "Pixels nearest to brown."),
        ("green", "Pixels nearest to green."), ("grey", "Pixels nearest to grey."), ("orange", "Pixels nearest to orange."),
        ("pink", "Pixels nearest to pink."), ("purple", "Pixels nearest to purple."), ("red", "Pixels nearest to red."),
        ("white", "Pixels nearest to white."), ("yellow", "Pixels nearest to yellow."),
    ];

    private static readonly (string Name, string Description, string[] Typical)[] SceneDefs =
    [
        ("street", "Houses along the horizon, a road in front with cars, a few people, trees and fences.", ["house", "road", "car", "person", "window", "door"]),
        ("forest", "Grass ground crowded with trees of many sizes, bushes and rocks, sometimes mountains behind.", ["tree", "bush", "grass", "rock"]),
        ("beach", "Sea below the horizon, sand in front, sun and clouds, people and a few small boats.", ["sea", "sand", "person", "boat", "sun"]),
        ("harbor", "Water filling most of the ground, a wooden pier, several large boats, houses on the far shore.", ["sea", "boat", "pier", "house"]),
        ("farm", "A grass field with wooden fences, cows, a house or barn and a few trees.", ["grass", "fence", "cow", "house"]),
        ("mountain lake", "Large mountains on the horizon, a lake in the valley, grass shore with trees and rocks.", ["mountain", "lake", "tree", "rock"]),
        ("desert", "Sand ground with cacti and rocks under a bright sun, sometimes sandy mountains.", ["sand", "cactus", "rock", "sun"]),
        ("bedroom", "A wall and floor with a large bed, lamps, nightstands, a window, paintings and rugs.", ["bed", "lamp", "cabinet", "window", "wall", "floor"]),
        ("kitchen", "Tiled or plain walls with rows of cabinets, a refrigerator, a table with chairs and hanging lamps.", ["cabinet", "refrigerator", "table", "chair", "wall", "floor"]),
        ("living room", "A sofa with a coffee table, a floor lamp, paintings, a rug and a window.", ["sofa", "table", "lamp", "painting", "rug"]),
    ];

    /// <summary>Indexed by label number; entry 0 is '-'. Scenes are included (category "scene").</summary>
    public static readonly IReadOnlyList<WorldConcept> Concepts;

    /// <summary>In class-index order (= order of scene label numbers).</summary>
    public static readonly IReadOnlyList<WorldScene> Scenes;

    private static readonly Dictionary<string, int> ByName;

    static WorldCatalog()
    {
        var list = new List<WorldConcept> { new(0, "-", "", "Unlabelled.") };
        void Add((string Name, string Description)[] defs, string category)
        {
            foreach (var (name, desc) in defs) list.Add(new WorldConcept(list.Count, name, category, desc));
        }
        Add(ObjectDefs, "object");
        Add(PartDefs, "part");
        Add(MaterialDefs, "material");
        Add(ColorDefs, "color");
        var scenes = new List<WorldScene>();
        foreach (var (name, desc, typical) in SceneDefs)
        {
            scenes.Add(new WorldScene(list.Count, scenes.Count, name, desc, typical));
            list.Add(new WorldConcept(list.Count, name, "scene", desc));
        }
        Concepts = list;
        Scenes = scenes;
        ByName = list.Skip(1).ToDictionary(c => c.Name, c => c.Number, StringComparer.Ordinal);
    }

    /// <summary>The label number of a concept or scene name.</summary>
    /// <exception cref="ArgumentException">the name is not in the catalog.</exception>
    public static int Number(string name) =>
        ByName.TryGetValue(name, out var n) ? n : throw new ArgumentException($"'{name}' is not a concept of the synthetic world");

    public static IEnumerable<WorldConcept> InCategory(string category) => Concepts.Where(c => c.Category == category);
}
