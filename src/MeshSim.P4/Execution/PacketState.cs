using MeshSim.P4.Model;

namespace MeshSim.P4.Execution;

/// <summary>
/// Everything one packet carries through the pipeline (bmv2's PHV plus the packet buffer), preallocated
/// once per program and reused: field values, header validity, stack cursors, varbit bytes, the frame
/// bytes and the v1model flags set by primitives (clone, resubmit, recirculate, truncate, exit).
/// </summary>
public sealed class PacketState
{
    /// <summary>All header fields of all instances, indexed by global field index.</summary>
    public readonly UInt128[] Fields;
    public readonly bool[] Valid;
    /// <summary>Per stack: the next index to extract/push into (bmv2's "next" pointer).</summary>
    public readonly int[] StackNext;
    public readonly byte[][] Varbit;
    public readonly int[] VarbitBits;

    /// <summary>The frame bytes. The unparsed payload is <c>Data[PayloadOffset..Length]</c>.</summary>
    public byte[] Data;
    public int Length;
    public int PayloadOffset;

    public bool ExitFlag;
    /// <summary>Clone session requested by the last clone primitive, or -1.</summary>
    public int CloneSession = -1;
    public int CloneFieldList = -1;
    public int ResubmitFieldList = -1;
    public int RecirculateFieldList = -1;
    /// <summary>Requested output length from <c>truncate</c>, 0 when none.</summary>
    public int TruncateLength;
    public bool Resubmit;
    public bool Recirculate;

    internal PacketState(int fieldCount, int headerCount, int stackCount, int[] varbitMaxBytes, int bufferSize = 2048)
    {
        Fields = new UInt128[fieldCount];
        Valid = new bool[headerCount];
        StackNext = new int[stackCount];
        Varbit = varbitMaxBytes.Select(n => new byte[n]).ToArray();
        VarbitBits = new int[varbitMaxBytes.Length];
        Data = new byte[bufferSize];
    }

    /// <summary>Clears headers, metadata and flags; loads <paramref name="frame"/> as the packet.</summary>
    public void Reset(ReadOnlySpan<byte> frame)
    {
        Array.Clear(Fields);
        Array.Clear(Valid);
        Array.Clear(StackNext);
        Array.Clear(VarbitBits);
        LoadFrame(frame);
        ClearFlags();
    }

    internal void LoadFrame(ReadOnlySpan<byte> frame)
    {
        if (Data.Length < frame.Length) Data = new byte[Math.Max(frame.Length, Data.Length * 2)];
        frame.CopyTo(Data);
        Length = frame.Length;
        PayloadOffset = 0;
    }

    internal void ClearFlags()
    {
        ExitFlag = false; CloneSession = -1; CloneFieldList = -1; ResubmitFieldList = -1;
        RecirculateFieldList = -1; TruncateLength = 0; Resubmit = false; Recirculate = false;
    }

    /// <summary>Copies every piece of state from <paramref name="o"/> (used for replicas and clones).</summary>
    public void CopyFrom(PacketState o)
    {
        Array.Copy(o.Fields, Fields, Fields.Length);
        Array.Copy(o.Valid, Valid, Valid.Length);
        Array.Copy(o.StackNext, StackNext, StackNext.Length);
        for (int i = 0; i < Varbit.Length; i++) { Array.Copy(o.Varbit[i], Varbit[i], Varbit[i].Length); VarbitBits[i] = o.VarbitBits[i]; }
        if (Data.Length < o.Length) Data = new byte[o.Data.Length];
        Array.Copy(o.Data, Data, o.Length);
        Length = o.Length; PayloadOffset = o.PayloadOffset;
        ExitFlag = o.ExitFlag; CloneSession = o.CloneSession; CloneFieldList = o.CloneFieldList;
        ResubmitFieldList = o.ResubmitFieldList; RecirculateFieldList = o.RecirculateFieldList;
        TruncateLength = o.TruncateLength; Resubmit = o.Resubmit; Recirculate = o.Recirculate;
    }
}
