// Detects image files cut short. ImageSharp decodes a partial JPEG (and some partial PNGs) without a word, filling the
// missing rows with grey, so a file truncated by a failed copy would be dissected as if it were whole. The test is on the
// format's own end marker: a JPEG's EOI after its last scan, a PNG's IEND chunk.
namespace Dissection.Core.Datasets;

internal static class TruncatedImage
{
    /// <summary>Why the bytes look cut short, or null when they end as the format requires (or the format has no
    /// marker we check).</summary>
    public static string? Problem(ReadOnlySpan<byte> bytes, string format) => format switch
    {
        "JPEG" when !JpegEndsAfterLastScan(bytes) => "truncated: the JPEG data stops before its end marker (the file is incomplete)",
        "PNG" when !PngHasEnd(bytes) => "truncated: the PNG has no IEND chunk (the file is incomplete)",
        _ => null,
    };

    /// <summary>Inside entropy-coded data a 0xFF byte is always followed by 0x00 or a restart marker, so FF DA (start of
    /// scan) and FF D9 (end of image) there are real markers. An EXIF thumbnail has its own pair before the main image's,
    /// which is why the end marker is looked for after the last start of scan.</summary>
    static bool JpegEndsAfterLastScan(ReadOnlySpan<byte> bytes)
    {
        int lastScan = -1;
        for (int i = bytes.Length - 2; i >= 0; i--)
            if (bytes[i] == 0xFF && bytes[i + 1] == 0xDA) { lastScan = i; break; }
        if (lastScan < 0) return false;
        for (int i = lastScan + 2; i < bytes.Length - 1; i++)
            if (bytes[i] == 0xFF && bytes[i + 1] == 0xD9) return true;
        return false;
    }

    static bool PngHasEnd(ReadOnlySpan<byte> bytes)
    {
        // IEND is the last chunk: 4-byte length 0, "IEND", 4-byte CRC. Some writers append junk after it; look in the tail.
        var tail = bytes[Math.Max(0, bytes.Length - 4096)..];
        return tail.IndexOf("IEND"u8) >= 0;
    }
}
