// glibc's malloc raises its mmap threshold each time a large block is freed (up to 32 MB), after which tensors of a
// few MB come from the heap arenas instead of mmap and are not returned on free. Over thousands of batches that
// fragmentation made a dissection's peak memory drift upward and vary by +-10 % between identical runs. Fixing the
// threshold at 4 MB sends every large tensor buffer straight to mmap and back to the OS when it is freed.
using System.Runtime.InteropServices;

namespace Dissection.Core.Dissection;

internal static partial class NativeHeap
{
    private const int MmapThreshold = -3;   // M_MMAP_THRESHOLD in <malloc.h>
    private static int _done;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    /// <summary>Once per process, on Linux; elsewhere (or without glibc) it does nothing.</summary>
    public static void ReturnLargeBlocks()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _done, 1) == 1) return;
        try { MallOpt(MmapThreshold, 4 << 20); }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
    }
}
