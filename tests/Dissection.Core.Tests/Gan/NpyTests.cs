// The .npy reader/writer: numpy's exact header bytes, round trips, and the inputs we refuse.
using System.Text;
using Dissection.Core.Gan;

namespace Dissection.Core.Tests.Gan;

public class NpyTests
{
    [Fact]
    public void Writer_produces_numpys_exact_bytes_for_a_2x3_float32_array()
    {
        using var dir = new TempDir();
        var path = dir.File("a.npy");
        Npy.Write(path, [0f, 1f, 2f, 3f, 4f, 5f], [2, 3]);
        // np.save of np.arange(6, dtype='<f4').reshape(2, 3): 10-byte preamble + header padded to 128 bytes total.
        var dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        var header = dict + new string(' ', 128 - 10 - dict.Length - 1) + "\n";
        var expected = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 }
            .Concat(Encoding.ASCII.GetBytes(header))
            .Concat(new[] { 0f, 1f, 2f, 3f, 4f, 5f }.SelectMany(BitConverter.GetBytes)).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    [Fact]
    public void Round_trip_keeps_values_and_shape_including_one_dimensional()
    {
        using var dir = new TempDir();
        var path = dir.File("v.npy");
        var values = Enumerable.Range(0, 5).Select(i => i * 0.25f - 1).ToArray();
        Npy.Write(path, values, [5]);
        var (data, shape) = Npy.Read(path);
        Assert.Equal(new long[] { 5 }, shape);
        Assert.Equal(values, data);
        Assert.Contains("(5,)", File.ReadAllText(path));
    }

    [Fact]
    public void Float64_arrays_are_narrowed_to_float32()
    {
        using var dir = new TempDir();
        var path = dir.File("d.npy");
        WriteRaw(path, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", new[] { 1.5, -2.25 }.SelectMany(BitConverter.GetBytes).ToArray());
        var (data, shape) = Npy.Read(path);
        Assert.Equal(new long[] { 2 }, shape);
        Assert.Equal(new[] { 1.5f, -2.25f }, data);
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "fortran_order")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "'>f4'")]
    [InlineData("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", "'<i8'")]
    [InlineData("{'descr': '<f4', 'shape': (2,), }", "lacks")]
    public void Unsupported_headers_are_rejected_with_the_reason(string dict, string expectedInMessage)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.npy");
        WriteRaw(path, dict, new byte[16]);
        var e = Assert.Throws<InvalidDataException>(() => Npy.Read(path));
        Assert.Contains(expectedInMessage, e.Message);
        Assert.Contains("bad.npy", e.Message);
    }

    [Fact]
    public void A_file_without_the_magic_is_not_an_npy()
    {
        using var dir = new TempDir();
        var path = dir.File("x.npy");
        File.WriteAllText(path, "hello world, not numpy");
        Assert.Contains("not a .npy", Assert.Throws<InvalidDataException>(() => Npy.Read(path)).Message);
    }

    [Fact]
    public void Truncated_data_is_an_error_not_garbage()
    {
        using var dir = new TempDir();
        var path = dir.File("t.npy");
        WriteRaw(path, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", new byte[8]);
        Assert.Throws<EndOfStreamException>(() => Npy.Read(path));
    }

    private static void WriteRaw(string path, string dict, byte[] payload)
    {
        var header = dict + "\n";
        var bytes = new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)header.Length, 0 }
            .Concat(Encoding.ASCII.GetBytes(header)).Concat(payload).ToArray();
        File.WriteAllBytes(path, bytes);
    }
}
