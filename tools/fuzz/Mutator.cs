using System.Text;

namespace MeshSim.Fuzz;

/// <summary>
/// Makes a new input from a corpus entry by stacking one to four mutations: bit flips, interesting
/// bytes and integers, inserted, deleted and duplicated ranges, splices with another entry, the
/// target's dictionary tokens, numbers far beyond any integer type, invalid UTF-8, and
/// structure-aware depth bombs (thousands of the target's openers, closed or not). Deterministic for
/// a given <see cref="FuzzRandom"/>.
/// </summary>
public sealed class Mutator(FuzzRandom rng, FuzzTarget target)
{
    private static readonly byte[] InterestingBytes = [0, 1, 0x7f, 0x80, 0xff, (byte)'"', (byte)'\\', (byte)'\n', (byte)'\r', (byte)':', (byte)'[', (byte)']', (byte)'{', (byte)'}', (byte)',', (byte)'-', (byte)'#', (byte)'&', (byte)'*', (byte)'!', (byte)'%', (byte)'|', (byte)'>', (byte)'\t', (byte)' ', (byte)'=', (byte)'0'];
    private static readonly uint[] InterestingInts = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe];
    private static readonly string[] Numbers =
    [
        "99999999999999999999999999999999999999", "18446744073709551616", "9223372036854775808", "-9223372036854775809",
        "4294967296", "2147483648", "-1", "0", "65536", "1e309", "0x", "0x1ffffffffffffffffffffffffffffffff", "1.5", ".5", "79228162514264337593543950336",
        "7922816251426433759354395033599999s", "1e-400",
    ];
    private static readonly byte[][] BadUtf8 = [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xc0, 0xaf], "\\ud800"u8.ToArray(), "\\udc00\\ud800"u8.ToArray(), [0xef, 0xbb, 0xbf], [0]];
    private static readonly int[] Depths = [64, 200, 1000, 5000, 50_000];

    /// <summary>A mutation of <paramref name="parent"/>; <paramref name="corpus"/> supplies splice partners.</summary>
    public byte[] Mutate(byte[] parent, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(parent);
        int rounds = 1 + rng.Below(4);
        for (int r = 0; r < rounds; r++) MutateOnce(data, corpus);
        if (data.Count > target.MaxInput) data.RemoveRange(target.MaxInput, data.Count - target.MaxInput);
        return data.ToArray();
    }

    private void MutateOnce(List<byte> d, IReadOnlyList<byte[]> corpus)
    {
        int choice = rng.Below(target.Binary ? 15 : 13);
        int at = rng.Below(d.Count + 1);
        switch (choice)
        {
            case 0 when d.Count > 0: d[rng.Below(d.Count)] ^= (byte)(1 << rng.Below(8)); break;
            case 1 when d.Count > 0: d[rng.Below(d.Count)] = rng.OneIn(2) ? rng.Pick(InterestingBytes) : (byte)rng.Below(256); break;
            case 2: d.InsertRange(at, Random(1 + rng.Below(16))); break;
            case 3 when d.Count > 0: { int n = 1 + rng.Below(Math.Min(d.Count, 64)); int s = rng.Below(d.Count - n + 1); d.RemoveRange(s, n); break; }
            case 4 when d.Count > 0: { int n = 1 + rng.Below(Math.Min(d.Count, 64)); int s = rng.Below(d.Count - n + 1); d.InsertRange(at, d.GetRange(s, n)); break; }
            case 5 when corpus.Count > 0:
            {
                var other = rng.Pick(corpus);
                int cut = rng.Below(other.Length + 1);
                d.RemoveRange(at, d.Count - at);
                d.AddRange(other.AsSpan(cut).ToArray());
                break;
            }
            case 6 when target.Dictionary.Count > 0: d.InsertRange(at, Encoding.UTF8.GetBytes(rng.Pick(target.Dictionary))); break;
            case 7: ReplaceNumber(d); break;
            case 8: d.InsertRange(at, rng.Pick(BadUtf8)); break;
            case 9 when target.Nesting.Count > 0: DepthBomb(d, at); break;
            case 10 when d.Count > 0: d.RemoveRange(at == d.Count ? d.Count - 1 : at, d.Count - (at == d.Count ? d.Count - 1 : at)); break;
            case 11 when d.Count > 0: { int s = rng.Below(d.Count); int n = 1 + rng.Below(Math.Min(8, d.Count - s)); for (int i = 0; i < 1 + rng.Below(64); i++) d.InsertRange(s, d.GetRange(s, n)); break; }
            case 12 when target.Dictionary.Count > 0 && d.Count > 0: ReplaceToken(d); break;
            case 13 or 14 when d.Count >= 4: WriteInt(d); break;
            default: if (d.Count > 0) d[rng.Below(d.Count)] = (byte)rng.Below(256); break;
        }
    }

    private byte[] Random(int n)
    {
        var b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = rng.OneIn(3) ? rng.Pick(InterestingBytes) : (byte)rng.Below(256);
        return b;
    }

    /// <summary>Replaces a run of digits (or inserts at random) with a number no integer type holds.</summary>
    private void ReplaceNumber(List<byte> d)
    {
        var num = Encoding.ASCII.GetBytes(rng.Pick(Numbers));
        int start = d.Count == 0 ? 0 : rng.Below(d.Count);
        int s = d.FindIndex(start, b => b is >= (byte)'0' and <= (byte)'9');
        if (s < 0) { d.InsertRange(start, num); return; }
        int e = s;
        while (e < d.Count && d[e] is >= (byte)'0' and <= (byte)'9' or (byte)'.') e++;
        d.RemoveRange(s, e - s);
        d.InsertRange(s, num);
    }

    /// <summary>Replaces one occurrence of a dictionary token with another.</summary>
    private void ReplaceToken(List<byte> d)
    {
        var from = Encoding.UTF8.GetBytes(rng.Pick(target.Dictionary));
        var to = Encoding.UTF8.GetBytes(rng.Pick(target.Dictionary));
        var arr = d.ToArray();
        int start = rng.Below(arr.Length);
        int found = arr.AsSpan(start).IndexOf(from);
        if (found < 0) { d.InsertRange(rng.Below(d.Count + 1), to); return; }
        int i = start + found;
        d.RemoveRange(i, from.Length);
        d.InsertRange(i, to);
    }

    private void DepthBomb(List<byte> d, int at)
    {
        var (open, close) = rng.Pick(target.Nesting);
        int depth = rng.Pick(Depths);
        var sb = new StringBuilder(depth * (open.Length + close.Length) + 4);
        for (int i = 0; i < depth; i++) sb.Append(open);
        if (rng.OneIn(4)) sb.Append(rng.OneIn(2) ? "x" : "1");
        if (!rng.OneIn(3)) for (int i = 0; i < depth; i++) sb.Append(close);
        d.InsertRange(at, Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>Writes an interesting 16- or 32-bit integer, in either byte order, over the bytes at a random spot.</summary>
    private void WriteInt(List<byte> d)
    {
        uint v = rng.Pick(InterestingInts);
        int width = rng.OneIn(2) ? 2 : 4;
        int at = rng.Below(d.Count - width + 1);
        bool big = rng.OneIn(2);
        for (int i = 0; i < width; i++)
        {
            int shift = 8 * (big ? width - 1 - i : i);
            d[at + i] = (byte)(v >> shift);
        }
    }
}
