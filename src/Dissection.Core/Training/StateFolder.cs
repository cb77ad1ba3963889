// A trainer's resumable state (NAME.train/), written whole or not at all: the files go into a fresh NAME.train.tmp/,
// which then replaces the folder, so a kill mid-save leaves the previous checkpoint intact. Used by the GAN and the
// photo-inversion encoder trainers.
namespace Dissection.Core.Training;

internal static class StateFolder
{
    /// <param name="writeInto">Writes every state file into the folder it is given.</param>
    public static void Write(string dir, Action<string> writeInto)
    {
        var tmp = dir + ".tmp";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
        Directory.CreateDirectory(tmp);
        writeInto(tmp);
        var old = dir + ".old";
        if (Directory.Exists(old)) Directory.Delete(old, true);
        if (Directory.Exists(dir)) Directory.Move(dir, old);
        Directory.Move(tmp, dir);
        if (Directory.Exists(old)) Directory.Delete(old, true);
    }
}
