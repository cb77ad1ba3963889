// Reads torch.save files, zip (torch >= 1.6) and legacy (older; the Places365 release checkpoints), into dicts of tensors.
using System.Collections;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.CompilerServices;
using Razorvine.Pickle;
using Razorvine.Pickle.Objects;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Dissection.Core.Models;

/// <summary>
/// Our own reader rather than PyBridge's UnpickleStateDict: that one copies a storage's bytes straight into each tensor,
/// which fails on non-contiguous tensors and on views sharing one storage (tied or sliced weights). Here tensors are
/// rebuilt from their storage with offset, shape and stride, exactly like torch._utils._rebuild_tensor_v2.
///
/// Zip layout: ARCHIVE/data.pkl, whose persistent ids ("storage", torch.FloatStorage, key, location, numel) name the raw
/// little-endian storages in ARCHIVE/data/KEY.
///
/// Legacy layout (torch/serialization.py, _legacy_load): four pickles, then raw storages.
///   magic number 0x1950a86a20f9469cfc6c, protocol 1001, sys_info dict,
///   the object (tensors refer to storages through persistent ids ("storage", torch.FloatStorage, key, location, numel, view)),
///   the list of storage keys; then per key: int64 element count + the elements' bytes, little endian.
/// Tensor data arrives after the object, so tensors are rebuilt lazily once every storage is read.
/// </summary>
internal static class TorchPickleReader
{
    private static readonly BigInteger Magic = BigInteger.Parse("119547037146038801333356");
    private static readonly string[] TensorRebuilders = ["torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor"];

    /// <summary>Razorvine's constructor table is process-wide and PyBridge's zip reader relies on its entries; every
    /// pickle read in the engine takes this lock so the legacy reader can swap them in briefly.</summary>
    internal static readonly object PickleGate = new();

    public static Hashtable ReadZip(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        var pkl = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("data.pkl", StringComparison.Ordinal))
                  ?? throw new InvalidDataException("no data.pkl inside the zip archive");
        var prefix = pkl.FullName[..^"data.pkl".Length];
        lock (PickleGate)
        {
            var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
            object root;
            using (var u = new StorageUnpickler(storages))
            using (var s = pkl.Open())
                root = u.LoadSwapped(s);
            foreach (var (key, storage) in storages)
            {
                var entry = archive.GetEntry($"{prefix}data/{key}") ?? throw new InvalidDataException($"storage 'data/{key}' is missing from the archive");
                if (entry.Length != storage.Numel * storage.ElementSize)
                    throw new InvalidDataException($"storage 'data/{key}' has {entry.Length} bytes, expected {storage.Numel * storage.ElementSize}");
                storage.Data = new byte[entry.Length];
                using var es = entry.Open();
                es.ReadExactly(storage.Data);
            }
            return Finish(root);
        }
    }

    public static Hashtable ReadLegacy(string path)
    {
        using var stream = new BufferedStream(File.OpenRead(path), 1 << 20);
        lock (PickleGate)
        {
            if (LoadOne(stream) is not BigInteger magic || magic != Magic)
                throw new InvalidDataException("not a legacy torch.save file (wrong magic number)");
            if (Convert.ToInt64(LoadOne(stream)) != 1001) throw new InvalidDataException("unsupported legacy torch.save protocol");
            if (LoadOne(stream) is Hashtable sys && sys["little_endian"] is false)
                throw new InvalidDataException("big-endian legacy checkpoints are not supported");

            var storages = new Dictionary<string, Storage>(StringComparer.Ordinal);
            object root;
            using (var u = new StorageUnpickler(storages)) root = u.LoadSwapped(stream);

            var keys = LoadOne(stream) as IEnumerable ?? throw new InvalidDataException("storage key list missing");
            var reader = new BinaryReader(stream);
            foreach (var k in keys)
            {
                var key = Convert.ToString(k)!;
                if (!storages.TryGetValue(key, out var s)) throw new InvalidDataException($"storage '{key}' is listed but never used");
                var count = reader.ReadInt64();
                if (count != s.Numel) throw new InvalidDataException($"storage '{key}' holds {count} elements, expected {s.Numel}");
                s.Data = reader.ReadBytes(checked((int)(count * s.ElementSize)));
                if (s.Data.Length != count * s.ElementSize) throw new InvalidDataException($"file ends inside storage '{key}'");
            }
            return Finish(root);
        }
    }

    private static Hashtable Finish(object? root)
    {
        if (root is not Hashtable top)
            throw new InvalidDataException($"expected a dict at the top level, got {root?.GetType().Name ?? "None"}");
        Materialise(top);
        return top;
    }

    private static object? LoadOne(Stream stream)
    {
        using var u = new Unpickler();
        return u.load(stream);
    }

    /// <summary>Replaces every LazyTensor in the dict (and nested dicts) by a real tensor.</summary>
    private static void Materialise(Hashtable dict)
    {
        foreach (var key in dict.Keys.Cast<object>().ToList())
        {
            switch (dict[key])
            {
                case LazyTensor lazy: dict[key] = lazy.Build(); break;
                case Hashtable inner: Materialise(inner); break;
            }
        }
    }

    internal sealed class Storage(ScalarType dtype, int elementSize, long numel)
    {
        public ScalarType DType { get; } = dtype;
        public int ElementSize { get; } = elementSize;
        public long Numel { get; } = numel;
        public byte[]? Data { get; set; }
    }

    private sealed record StorageRef(Storage Root, long Offset);

    private sealed record LazyTensor(StorageRef Ref, long Offset, long[] Shape, long[] Stride)
    {
        public Tensor Build()
        {
            var data = Ref.Root.Data ?? throw new InvalidDataException("a tensor refers to a storage that was never written");
            using var flat = empty(Ref.Root.Numel, Ref.Root.DType);
            flat.bytes = data;
            using var view = flat.as_strided(Shape, Stride, Ref.Offset + Offset);
            return view.clone();
        }
    }

    private sealed class LazyTensorConstructor : IObjectConstructor
    {
        public object construct(object[] args)
        {
            if (args.Length < 4 || args[0] is not StorageRef storage)
                throw new InvalidDataException("unexpected tensor record in legacy checkpoint");
            return new LazyTensor(storage, Convert.ToInt64(args[1]), Longs(args[2]), Longs(args[3]));
        }

        private static long[] Longs(object o) => o is IEnumerable e ? e.Cast<object>().Select(Convert.ToInt64).ToArray() : [];
    }

    private sealed class StorageUnpickler(Dictionary<string, Storage> storages) : Unpickler
    {
        public object LoadSwapped(Stream stream)
        {
            // Make sure PyBridge has registered its constructors, so what we restore is really theirs.
            RuntimeHelpers.RunClassConstructor(typeof(PyTorchUnpickler).TypeHandle);
            var saved = TensorRebuilders.ToDictionary(k => k, k => objectConstructors.TryGetValue(k, out var c) ? c : null);
            try
            {
                foreach (var k in TensorRebuilders) objectConstructors[k] = new LazyTensorConstructor();
                return load(stream);
            }
            finally
            {
                foreach (var (k, c) in saved)
                    if (c is null) objectConstructors.Remove(k); else objectConstructors[k] = c;
            }
        }

        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: >= 5 } id || id[0] as string != "storage")
                throw new InvalidDataException("the checkpoint holds pickled code or modules, not only tensors; save model.state_dict() instead");
            var typeName = id[1] is ClassDictConstructor c ? c.name : Convert.ToString(id[1]) ?? "";
            var key = Convert.ToString(id[2])!;
            var numel = Convert.ToInt64(id[4]);
            if (!storages.TryGetValue(key, out var root))
            {
                var (dtype, size) = StorageType(typeName);
                storages[key] = root = new Storage(dtype, size, numel);
            }
            // A view: (view_key, offset, view_size) into the root storage.
            var offset = id.Length > 5 && id[5] is object[] { Length: >= 2 } view ? Convert.ToInt64(view[1]) : 0L;
            return new StorageRef(root, offset);
        }

        private static (ScalarType, int) StorageType(string name) => name switch
        {
            "FloatStorage" => (ScalarType.Float32, 4),
            "DoubleStorage" => (ScalarType.Float64, 8),
            "HalfStorage" => (ScalarType.Float16, 2),
            "BFloat16Storage" => (ScalarType.BFloat16, 2),
            "LongStorage" => (ScalarType.Int64, 8),
            "IntStorage" => (ScalarType.Int32, 4),
            "ShortStorage" => (ScalarType.Int16, 2),
            "CharStorage" => (ScalarType.Int8, 1),
            "ByteStorage" => (ScalarType.Byte, 1),
            "BoolStorage" => (ScalarType.Bool, 1),
            _ => throw new InvalidDataException($"unsupported storage type '{name}'"),
        };
    }
}
