using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>One input of a calculation: a field, a constant of a given width, a whole header, or the payload.</summary>
public readonly record struct CalcInput(CalcInputKind Kind, int Ref, int Width, UInt128 Constant);

public enum CalcInputKind { Field, Constant, Header, Payload }

/// <summary>
/// A named calculation (bmv2 <c>calculations</c>): inputs are packed bit by bit, as bmv2's
/// BufBuilder does; fields and headers of invalid headers are skipped. <c>payload</c> appends every
/// valid header that the deparser emits after the last header named before it, then the payload.
/// </summary>
public sealed class Calculation(string name, HashAlgorithm algo, CalcInput[] inputs)
{
    public string Name { get; } = name;
    public HashAlgorithm Algorithm { get; } = algo;
    public CalcInput[] Inputs { get; } = inputs;
    private byte[] _scratch = new byte[256];

    public ulong Compute(ExecContext c)
    {
        var p = c.Program;
        var pkt = c.Pkt;
        Ensure(MaxBits(p) + pkt.Length * 8);
        var w = new BitWriter(_scratch, 0);
        int lastHeader = -1;
        for (int idx = 0; idx < Inputs.Length; idx++)
        {
            var input = Inputs[idx];
            switch (input.Kind)
            {
                case CalcInputKind.Field:
                {
                    int h = p.FieldHeader[input.Ref];
                    lastHeader = h;
                    if (pkt.Valid[h]) w.Write(pkt.Fields[input.Ref], input.Width);
                    break;
                }
                case CalcInputKind.Constant:
                    w.Write(input.Constant, input.Width);
                    break;
                case CalcInputKind.Header:
                    lastHeader = input.Ref;
                    if (pkt.Valid[input.Ref]) p.SerializeHeader(pkt, input.Ref, ref w);
                    break;
                case CalcInputKind.Payload:
                {
                    // Headers after the last included one, in deparse order, then the unparsed bytes.
                    var order = p.Deparser?.Order ?? [];
                    int start = lastHeader < 0 ? 0 : Array.IndexOf(order, lastHeader) + 1;
                    for (int i = start; i < order.Length && start > 0; i++)
                    {
                        int h = order[i];
                        if (!pkt.Valid[h] || p.Headers[h].Metadata) continue;
                        p.SerializeHeader(pkt, h, ref w);
                    }
                    // The payload starts on the next byte boundary (the partial byte is zero-padded).
                    int pad = (8 - (w.BitPosition & 7)) & 7;
                    if (pad > 0) w.Write(0, pad);
                    var payload = pkt.Data.AsSpan(pkt.PayloadOffset, pkt.Length - pkt.PayloadOffset);
                    if (Algorithm == HashAlgorithm.Csum16 && (w.BitPosition & 15) == 0 && idx == Inputs.Length - 1)
                    {
                        // The ones' complement sum chains over 16-bit aligned parts: sum the payload where it
                        // lies instead of copying it behind the headers first.
                        var head = _scratch.AsSpan(0, w.BitPosition / 8);
                        return (ulong)(ushort)~MeshSim.Wire.Checksum.PartialSum(payload, MeshSim.Wire.Checksum.PartialSum(head));
                    }
                    w.WriteBytes(payload);
                    break;
                }
            }
        }
        int bits = w.BitPosition;
        w.Flush();
        int len = (bits + 7) / 8;
        if ((bits & 7) != 0) _scratch[len - 1] &= (byte)(0xFF << (8 - (bits & 7)));
        return HashAlgorithms.Compute(Algorithm, _scratch.AsSpan(0, len));
    }

    private int _maxBits = -1;

    /// <summary>The most bits the inputs can take before the payload's own bytes: fields, constants and every header at its largest.</summary>
    private int MaxBits(P4Program p)
    {
        if (_maxBits >= 0) return _maxBits;
        int bits = 0;
        foreach (var input in Inputs)
            bits += input.Kind switch
            {
                CalcInputKind.Field or CalcInputKind.Constant => input.Width,
                CalcInputKind.Header => p.Headers[input.Ref].Type.MaxLengthBytes * 8 + p.Headers[input.Ref].Type.FixedBits,
                _ => p.Headers.Sum(h => h.Type.MaxLengthBytes * 8 + h.Type.FixedBits) + 8,
            };
        return _maxBits = bits;
    }

    private void Ensure(int bits)
    {
        int need = (bits + 7) / 8 + 1;
        if (need > _scratch.Length) Array.Resize(ref _scratch, Math.Max(need, _scratch.Length * 2));
    }
}

/// <summary>A checksum (bmv2 <c>checksums</c>): verified after parsing, updated before deparsing.</summary>
public sealed record ChecksumUnit(string Name, int TargetField, Calculation Calculation, bool Verify, bool Update, Expr? Condition);
