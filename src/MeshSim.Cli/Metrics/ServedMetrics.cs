using System.Globalization;
using System.Text;
using MeshSim.Io.Live;

namespace MeshSim.Cli.Metrics;

/// <summary>
/// The families only a served <c>/metrics</c> adds (<c>--metrics-listen</c> of <c>lab</c> and
/// <c>emulate</c>): the virtual clock, which tells a scrape where the simulation stands against the
/// wall clock, and the live bridges' frame counters.
/// </summary>
public static class ServedMetrics
{
    /// <summary><c>meshsim_virtual_time_seconds</c>: the simulation's clock at the scrape.</summary>
    public static string VirtualTime(long nowNs) =>
        "# HELP meshsim_virtual_time_seconds Virtual time of the simulation at this scrape.\n# TYPE meshsim_virtual_time_seconds gauge\n" +
        "meshsim_virtual_time_seconds " + OpenMetricsSeries.Seconds(nowNs) + "\n";

    /// <summary>The live bridges' counters (<see cref="LiveBridgeCounters"/>) and the real-time loop's worst lag.</summary>
    public static string LiveBridges(IReadOnlyList<LiveBridge> bridges, long maxLagNs)
    {
        var sb = new StringBuilder();
        var counters = bridges.Select(b => (b.Name, C: b.Counters())).OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        void Family(string name, string help, Func<LiveBridgeCounters, long> get)
        {
            sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n");
            foreach (var (bridge, c) in counters)
                sb.Append(name).Append("{bridge=\"").Append(bridge).Append("\"} ").Append(get(c).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        Family("meshsim_live_received_frames_total", "Frames the real interface received (the kernel's rx_packets since the bridge opened it).", c => c.Received);
        Family("meshsim_live_captured_frames_total", "Frames delivered from the real interface into the simulation.", c => c.Captured);
        Family("meshsim_live_lost_frames_total", "Received frames that never entered the simulation (capture ring, full inbox, oversize, undelivered).", c => c.Lost);
        Family("meshsim_live_injected_frames_total", "Frames the simulation sent out on the real interface.", c => c.Injected);
        Family("meshsim_live_inject_errors_total", "Frames libpcap refused to send.", c => c.InjectErrors);
        sb.Append("# HELP meshsim_realtime_max_lag_seconds Largest lag of virtual time behind the wall clock so far.\n# TYPE meshsim_realtime_max_lag_seconds gauge\n")
          .Append("meshsim_realtime_max_lag_seconds ").Append((maxLagNs / 1e9).ToString("0.000000", CultureInfo.InvariantCulture)).Append('\n');
        return sb.ToString();
    }
}
