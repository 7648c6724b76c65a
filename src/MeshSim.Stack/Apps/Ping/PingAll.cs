using System.Text;
using MeshSim.Stack.Async;

namespace MeshSim.Stack.Apps.Ping;

/// <summary>The outcome of pinging every host from every other.</summary>
public sealed class PingMatrix
{
    internal PingMatrix(IReadOnlyList<Host> hosts, bool[,] ok) { Hosts = hosts; _ok = ok; }

    private readonly bool[,] _ok;

    /// <summary>Hosts in the order pinged.</summary>
    public IReadOnlyList<Host> Hosts { get; }

    /// <summary>True when <paramref name="from"/> got a reply from <paramref name="to"/> (indexes into <see cref="Hosts"/>).</summary>
    public bool Reached(int from, int to) => _ok[from, to];

    /// <summary>Pings sent.</summary>
    public int Sent => Hosts.Count * (Hosts.Count - 1);
    /// <summary>Replies received.</summary>
    public int Received { get { int n = 0; foreach (var b in _ok) if (b) n++; return n; } }
    /// <summary>Percentage of pings lost.</summary>
    public int DroppedPercent => Sent == 0 ? 0 : 100 * (Sent - Received) / Sent;

    /// <summary>Mininet's pingall output: one line per source, X for no reply, then the totals.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("*** Ping: testing ping reachability\n");
        for (int i = 0; i < Hosts.Count; i++)
        {
            sb.Append(Hosts[i].Name).Append(" ->");
            for (int j = 0; j < Hosts.Count; j++)
                if (i != j) sb.Append(' ').Append(_ok[i, j] ? Hosts[j].Name : "X");
            sb.Append('\n');
        }
        sb.Append($"*** Results: {DroppedPercent}% dropped ({Received}/{Sent} received)\n");
        return sb.ToString();
    }
}

/// <summary>Mininet's <c>pingall</c>: each host pings each other host once, one at a time.</summary>
public static class PingAll
{
    /// <summary>Runs the matrix; each ping waits up to <paramref name="timeoutNs"/>.</summary>
    public static async SimTask<PingMatrix> RunAsync(IReadOnlyList<Host> hosts, long timeoutNs = SimTime.Second)
    {
        var ok = new bool[hosts.Count, hosts.Count];
        for (int i = 0; i < hosts.Count; i++)
            for (int j = 0; j < hosts.Count; j++)
                if (i != j) ok[i, j] = await hosts[i].PingAsync(hosts[j].Address, timeoutNs) is not null;
        return new PingMatrix(hosts, ok);
    }
}
