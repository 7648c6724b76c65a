using System.Buffers.Binary;

namespace MeshSim.Wire.Tests;

/// <summary>Just enough classic pcap (little-endian, microsecond, Ethernet) to read the captures
/// under pcaps/ and to hand frames to tshark and ovs-ofctl.</summary>
internal static class PcapFile
{
    /// <summary>The repository's pcaps/ folder, found by walking up from the test binaries.</summary>
    public static string PcapsDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "pcaps");
                if (File.Exists(Path.Combine(candidate, "wire-veth.pcap"))) return candidate;
            }
            throw new DirectoryNotFoundException($"no pcaps/wire-veth.pcap above {AppContext.BaseDirectory}");
        }
    }

    public static List<byte[]> Read(string path)
    {
        var d = File.ReadAllBytes(path);
        if (BinaryPrimitives.ReadUInt32LittleEndian(d) != 0xA1B2C3D4)
            throw new InvalidDataException($"{path}: byte 0: expected little-endian pcap magic a1b2c3d4");
        var frames = new List<byte[]>();
        for (int at = 24; at < d.Length;)
        {
            if (d.Length - at < 16) throw new InvalidDataException($"{path}: byte {at}: record header cut short");
            int caplen = (int)BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(at + 8));
            at += 16;
            if (caplen > d.Length - at) throw new InvalidDataException($"{path}: byte {at}: record of {caplen} bytes runs past the file");
            frames.Add(d.AsSpan(at, caplen).ToArray());
            at += caplen;
        }
        return frames;
    }

    public static List<byte[]> ReadRepo(string name) => Read(Path.Combine(PcapsDirectory, name));

    public static void Write(string path, IEnumerable<byte[]> frames)
    {
        using var f = File.Create(path);
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], 1);          // LINKTYPE_ETHERNET
        f.Write(h);
        uint seconds = 0;
        foreach (var frame in frames)
        {
            Span<byte> r = stackalloc byte[16];
            BinaryPrimitives.WriteUInt32LittleEndian(r, seconds++);
            BinaryPrimitives.WriteUInt32LittleEndian(r[8..], (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(r[12..], (uint)frame.Length);
            f.Write(r);
            f.Write(frame);
        }
    }
}
