using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>A register array: <see cref="Size"/> cells of <see cref="Width"/> bits, zero at load.</summary>
public sealed class RegisterArray(string name, int size, int width)
{
    public string Name { get; } = name;
    public int Size { get; } = size;
    public int Width { get; } = width;
    public UInt128[] Cells { get; } = new UInt128[size];
    public UInt128 Mask { get; } = Bits.Mask(width);
}

/// <summary>A counter array; bmv2 counters always count both bytes and packets.</summary>
public sealed class CounterArray(string name, int size, bool isDirect, string? binding)
{
    public string Name { get; } = name;
    public int Size { get; } = size;
    public bool IsDirect { get; } = isDirect;
    public string? Binding { get; } = binding;
    public ulong[] Packets { get; } = new ulong[isDirect ? 0 : size];
    public ulong[] Bytes { get; } = new ulong[isDirect ? 0 : size];
}

/// <summary>
/// One two-rate three-colour meter (RFC 2698, as bmv2 implements it). Rates are in units
/// (bytes or packets) per microsecond, bursts in units; both buckets start full. An
/// unconfigured meter marks everything GREEN, like bmv2.
/// </summary>
public struct MeterCell
{
    public double CommittedRate, PeakRate; // units per ns
    public ulong CommittedBurst, PeakBurst;
    public double CommittedTokens, PeakTokens;
    public long LastNs;
    public bool Configured;
}

/// <summary>Meter colours as v1model defines them.</summary>
public static class MeterColor { public const int Green = 0, Yellow = 1, Red = 2; }

/// <summary>A meter array (indirect or direct).</summary>
public sealed class MeterArray(string name, int size, bool bytes, int rateCount, bool isDirect, string? binding, int resultField)
{
    public string Name { get; } = name;
    public int Size { get; } = size;
    public bool CountsBytes { get; } = bytes;
    public int RateCount { get; } = rateCount;
    public bool IsDirect { get; } = isDirect;
    public string? Binding { get; } = binding;
    /// <summary>For direct meters: where the colour goes (or -1).</summary>
    public int ResultField { get; } = resultField;
    public MeterCell[] Cells { get; } = new MeterCell[isDirect ? 0 : size];

    /// <summary>Marks one packet (of <paramref name="length"/> bytes) at time <paramref name="nowNs"/>.</summary>
    public int Execute(ref MeterCell m, int length, long nowNs)
    {
        if (!m.Configured) return MeterColor.Green;
        double units = CountsBytes ? length : 1;
        long dt = Math.Max(0, nowNs - m.LastNs);
        m.LastNs = nowNs;
        m.CommittedTokens = Math.Min(m.CommittedBurst, m.CommittedTokens + dt * m.CommittedRate);
        m.PeakTokens = Math.Min(m.PeakBurst, m.PeakTokens + dt * m.PeakRate);
        if (m.PeakTokens < units) return MeterColor.Red;
        if (m.CommittedTokens < units) { m.PeakTokens -= units; return MeterColor.Yellow; }
        m.PeakTokens -= units; m.CommittedTokens -= units;
        return MeterColor.Green;
    }

    /// <summary>Sets rates (units per microsecond) and bursts; refills both buckets.</summary>
    public static void Configure(ref MeterCell m, double cirPerUs, ulong cbs, double pirPerUs, ulong pbs, long nowNs)
    {
        m.CommittedRate = cirPerUs / 1000.0; m.PeakRate = pirPerUs / 1000.0;
        m.CommittedBurst = cbs; m.PeakBurst = pbs;
        m.CommittedTokens = cbs; m.PeakTokens = pbs; m.LastNs = nowNs; m.Configured = true;
    }
}

/// <summary>A named list of fields preserved across clone/resubmit/recirculate (bmv2 <c>field_lists</c>).</summary>
public sealed record FieldList(string Name, int Id, int[] Fields);

/// <summary>A parser value set: values the control plane adds with <c>pvs_add</c>.</summary>
public sealed class ParseValueSet(string name, int width)
{
    public string Name { get; } = name;
    public int Width { get; } = width;
    public List<UInt128> Values { get; } = [];
}
