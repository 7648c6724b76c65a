namespace MeshSim.Control.Sources.Consul;

/// <summary>
/// Consul's rules for the index of blocking queries (API docs, "Blocking Queries", implementation
/// details): the index is opaque and only compared; if it goes BACKWARDS (a server restored from a
/// snapshot, a different server answered) the client resets to 0 and does a full, non-blocking
/// read; an index of 0 from the server must not be sent back as-is (it would return at once
/// forever), so it is treated as 1.
/// </summary>
public static class BlockingIndex
{
    /// <summary>The index to send on the next request, given the last one sent and the one just received.</summary>
    public static ulong Next(ulong previous, ulong received) => received switch
    {
        0 => 1,
        _ when received < previous => 0,
        _ => received,
    };
}
