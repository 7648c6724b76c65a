namespace MeshSim.P4.Execution;

/// <summary>Result codes of PRE (multicast) and mirroring operations, named like bmv2's <c>McOperationErrorCode</c>.</summary>
public enum PreOpResult { Success, TableFull, InvalidHandle, InvalidMgid, InvalidL1Handle, InvalidL2Handle, Error }

/// <summary>
/// simple_switch's packet replication engine: multicast groups hold L1 nodes (a replication id and a
/// port set), replicas come out node by node in association order, ports ascending within a node.
/// Also holds mirroring (clone) sessions: session id to egress port.
/// </summary>
public sealed class ReplicationEngine
{
    private sealed class Node { public int Rid; public SortedSet<int> Ports = []; public int Group = -1; }

    private readonly SortedDictionary<int, List<int>> _groups = new();
    private readonly List<Node?> _nodes = [];
    public SortedDictionary<int, int> MirrorSessions { get; } = new();

    public PreOpResult CreateGroup(int mgid)
    {
        if (mgid < 0 || mgid > 0xFFFF) return PreOpResult.InvalidMgid;
        if (_groups.ContainsKey(mgid)) return PreOpResult.InvalidMgid;
        _groups[mgid] = [];
        return PreOpResult.Success;
    }

    public PreOpResult DestroyGroup(int mgid)
    {
        if (!_groups.Remove(mgid, out var nodes)) return PreOpResult.InvalidMgid;
        foreach (var n in nodes) if (_nodes[n] is { } node) node.Group = -1;
        return PreOpResult.Success;
    }

    public PreOpResult CreateNode(int rid, IEnumerable<int> ports, out int handle)
    {
        var node = new Node { Rid = rid, Ports = new SortedSet<int>(ports) };
        handle = _nodes.IndexOf(null);
        if (handle < 0) { handle = _nodes.Count; _nodes.Add(node); } else _nodes[handle] = node;
        return PreOpResult.Success;
    }

    public PreOpResult UpdateNode(int handle, IEnumerable<int> ports)
    {
        if ((uint)handle >= (uint)_nodes.Count || _nodes[handle] is null) return PreOpResult.InvalidL1Handle;
        _nodes[handle]!.Ports = new SortedSet<int>(ports);
        return PreOpResult.Success;
    }

    public PreOpResult DestroyNode(int handle)
    {
        if ((uint)handle >= (uint)_nodes.Count || _nodes[handle] is not { } n) return PreOpResult.InvalidL1Handle;
        if (n.Group >= 0) return PreOpResult.Error; // bmv2 refuses to delete an associated node
        _nodes[handle] = null;
        return PreOpResult.Success;
    }

    public PreOpResult Associate(int mgid, int handle)
    {
        if (!_groups.TryGetValue(mgid, out var list)) return PreOpResult.InvalidMgid;
        if ((uint)handle >= (uint)_nodes.Count || _nodes[handle] is not { } n) return PreOpResult.InvalidL1Handle;
        if (n.Group >= 0) return PreOpResult.InvalidL1Handle;
        n.Group = mgid; list.Add(handle);
        return PreOpResult.Success;
    }

    public PreOpResult Dissociate(int mgid, int handle)
    {
        if (!_groups.TryGetValue(mgid, out var list)) return PreOpResult.InvalidMgid;
        if (!list.Remove(handle)) return PreOpResult.InvalidL1Handle;
        _nodes[handle]!.Group = -1;
        return PreOpResult.Success;
    }

    /// <summary>Fills <paramref name="replicas"/> with (port, rid) pairs for a group; false if the group does not exist.</summary>
    public bool Replicas(int mgid, List<(int Port, int Rid)> replicas)
    {
        replicas.Clear();
        if (!_groups.TryGetValue(mgid, out var list)) return false;
        foreach (var h in list)
            if (_nodes[h] is { } n) foreach (var p in n.Ports) replicas.Add((p, n.Rid));
        return true;
    }

    /// <summary>Text like simple_switch_CLI's <c>mc_dump</c>.</summary>
    public string Dump()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("==========\nMC ENTRIES\n");
        foreach (var (g, list) in _groups)
        {
            sb.Append("**********\nmgrp(").Append(g).Append(")\n");
            foreach (var h in list)
                if (_nodes[h] is { } n) sb.Append("  -> (L1h=").Append(h).Append(", rid=").Append(n.Rid).Append(") -> (ports=[").Append(string.Join(", ", n.Ports)).Append("], lags=[])\n");
        }
        sb.Append("==========\nLAGS\n==========\n");
        return sb.ToString();
    }
}
