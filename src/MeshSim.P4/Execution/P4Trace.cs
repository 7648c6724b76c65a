namespace MeshSim.P4.Execution;

/// <summary>
/// A per-packet event log in the spirit of bmv2's <c>--log-console</c> output: parser states,
/// extracted headers, table keys, hits and misses, actions, and the egress decision. Created only
/// when asked for, so untraced packets format nothing.
/// </summary>
public sealed class P4Trace
{
    private readonly List<string> _lines = [];
    public int PacketId { get; set; }
    public IReadOnlyList<string> Lines => _lines;
    public void Line(string text) => _lines.Add($"[{PacketId}] {text}");
    public void Clear() => _lines.Clear();
    public override string ToString() => string.Join('\n', _lines);
}
