// Minimal NumPy .npy reader/writer for float32 arrays (latents in, raw generator output out), so users can exchange
// z vectors and images with Python. Only C-order little-endian arrays; '<f8' is read and narrowed to float32.
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace Dissection.Core.Gan;

public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a float array; returns the values (C order) and the shape.</summary>
    /// <exception cref="InvalidDataException">not an .npy file, or a dtype/order we do not read; the message names the file.</exception>
    public static (float[] Data, long[] Shape) Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path);
    }

    public static (float[] Data, long[] Shape) Read(Stream stream, string source)
    {
        var (descr, fortran, shape) = ReadHeader(stream, source);
        if (fortran) throw new InvalidDataException($"{source}: fortran_order arrays are not supported; save with np.ascontiguousarray");
        var count = shape.Aggregate(1L, (a, b) => checked(a * b));
        if (count > int.MaxValue / 8) throw new InvalidDataException($"{source}: array of {count} values is too large");
        var elem = descr switch
        {
            "<f4" => 4,
            "<f8" => 8,
            _ => throw new InvalidDataException($"{source}: dtype '{descr}' is not supported (use float32 '<f4')"),
        };
        var bytes = new byte[count * elem];
        stream.ReadExactly(bytes);
        var data = new float[count];
        for (var i = 0; i < count; i++)
            data[i] = elem == 4
                ? BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))
                : (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8));
        return (data, shape);
    }

    public static Tensor ReadTensor(string path)
    {
        var (data, shape) = Read(path);
        return tensor(data, shape);
    }

    /// <summary>Writes a float32 C-order array (version 1.0 header, padded to 64 bytes as numpy does).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, IReadOnlyList<long> shape)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length) throw new ArgumentException($"shape ({string.Join(",", shape)}) holds {count} values, got {data.Length}");
        var shapeText = shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        var dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        var unpadded = Magic.Length + 2 + 2 + dict.Length + 1;
        var header = dict + new string(' ', (64 - unpadded % 64) % 64) + "\n";
        using var stream = File.Create(path);
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
        var buffer = new byte[data.Length * 4];
        for (var i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), data[i]);
        stream.Write(buffer);
    }

    public static void Write(string path, Tensor t)
    {
        using var f = t.detach().to(CPU).to_type(ScalarType.Float32).contiguous();
        Write(path, f.data<float>().ToArray(), f.shape);
    }

    internal static (string Descr, bool Fortran, long[] Shape) ReadHeader(Stream stream, string source)
    {
        Span<byte> pre = stackalloc byte[8];
        if (stream.ReadAtLeast(pre, 8, throwOnEndOfStream: false) < 8 || !pre[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: not a .npy file (bad magic)");
        int headerLength;
        if (pre[6] == 1)
        {
            Span<byte> l = stackalloc byte[2];
            stream.ReadExactly(l);
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(l);
        }
        else if (pre[6] is 2 or 3)
        {
            Span<byte> l = stackalloc byte[4];
            stream.ReadExactly(l);
            headerLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(l));
        }
        else throw new InvalidDataException($"{source}: .npy version {pre[6]}.{pre[7]} is not supported");
        if (headerLength > 1 << 20) throw new InvalidDataException($"{source}: .npy header of {headerLength} bytes is implausible");
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = Encoding.Latin1.GetString(headerBytes);

        var descr = DescrField().Match(header);
        var fortran = FortranField().Match(header);
        var shape = ShapeField().Match(header);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new InvalidDataException($"{source}: .npy header lacks descr/fortran_order/shape: {header.Trim()}");
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v
                : throw new InvalidDataException($"{source}: bad shape entry '{s}' in .npy header"))
            .ToArray();
        return (descr.Groups[1].Value, fortran.Groups[1].Value == "True", dims);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrField();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranField();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeField();
}
