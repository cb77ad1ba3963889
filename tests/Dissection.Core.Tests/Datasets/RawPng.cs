// Hand-built PNG files for tests: exact palette images (ImageSharp's quantizer would merge near colours) and
// decompression bombs (a valid header claiming a huge size over a few bytes of data).
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Dissection.Core.Tests.Datasets;

internal static class RawPng
{
    /// <summary>An 8-bit palette PNG with the given RGB palette and one palette index per pixel.</summary>
    public static byte[] Palette(int width, int height, (byte R, byte G, byte B)[] palette, byte[] indices)
    {
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++) { raw.WriteByte(0); raw.Write(indices, y * width, width); }
        var plte = palette.SelectMany(c => new[] { c.R, c.G, c.B }).ToArray();
        return Build(width, height, colourType: 3, plte, raw.ToArray());
    }

    /// <summary>A valid 8-bit RGB PNG header claiming width x height over only 64 zero bytes of image data.</summary>
    public static byte[] Bomb(int width, int height) => Build(width, height, colourType: 2, null, new byte[64]);

    static byte[] Build(int width, int height, byte colourType, byte[]? plte, byte[] raw)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; ihdr[9] = colourType;
        Chunk(png, "IHDR", ihdr);
        if (plte != null) Chunk(png, "PLTE", plte);
        using (var z = new MemoryStream())
        {
            using (var zlib = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
            Chunk(png, "IDAT", z.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        var len = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
        s.Write(len);
        var body = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        s.Write(body);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(body));
        s.Write(crc);
    }

    static uint Crc32(byte[] bytes)
    {
        uint c = 0xFFFFFFFF;
        foreach (var b in bytes)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xFFFFFFFF;
    }
}
