using System.Globalization;
using System.Text;
using MeshSim.Control.Live;

namespace MeshSim.Control.Metrics;

/// <summary>
/// The live controller's own series (<c>meshsim control --metrics-listen</c>), in the spirit of
/// Istio's istiod: pushes (<c>pilot_xds_pushes</c>), registry-change-to-rules-in-place latency
/// (<c>pilot_proxy_convergence_time</c>, same buckets), rejected snapshots and refused updates
/// (<c>pilot_total_xds_rejects</c>), services known (<c>pilot_services</c>), plus what each switch holds.
/// The switches' traffic counters are not here: with <c>--push ovs</c> they live in the real OVS.
/// </summary>
public static class ControlLoopMetrics
{
    /// <summary>The histogram buckets of the push latency, in seconds (istiod's convergence-time buckets).</summary>
    public static readonly double[] Buckets = [0.1, 0.5, 1, 3, 5, 10, 20, 30];

    /// <summary>Renders <paramref name="s"/> as Prometheus text.</summary>
    public static string Render(ControlLoopSnapshot s)
    {
        var sb = new StringBuilder();
        Counter(sb, "meshsim_control_pushes_total", "Registry snapshots compiled and pushed.", s.Pushes);
        Counter(sb, "meshsim_control_modifications_total", "Flow and group modifications sent to the switches.", s.Mods);
        Counter(sb, "meshsim_control_rejected_snapshots_total", "Registry snapshots not applied (invalid); the switches kept their rules.", s.RejectedSnapshots);
        Counter(sb, "meshsim_control_source_outages_total", "Times a registry source reported an outage; the switches kept their rules.", s.Outages);
        Gauge(sb, "meshsim_control_services", "Services in the last applied snapshot.", s.Services);
        sb.Append("# HELP meshsim_control_service_pairs Service pairs with an intention in the last applied snapshot, by decision.\n# TYPE meshsim_control_service_pairs gauge\n");
        sb.Append("meshsim_control_service_pairs{decision=\"allow\"} ").Append(s.AllowedPairs.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("meshsim_control_service_pairs{decision=\"deny\"} ").Append(s.DeniedPairs.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (s.LastPush is { } last)
            Gauge(sb, "meshsim_control_last_push_timestamp_seconds", "Wall-clock time of the last push (Unix seconds).", last.ToUnixTimeMilliseconds() / 1000.0);

        sb.Append("# HELP meshsim_control_push_latency_seconds Time from a registry change to its rules in place on every switch.\n# TYPE meshsim_control_push_latency_seconds histogram\n");
        foreach (var b in Buckets)
            sb.Append("meshsim_control_push_latency_seconds_bucket{le=\"").Append(b.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
              .Append(s.Latencies.Count(l => l.TotalSeconds <= b).ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("meshsim_control_push_latency_seconds_bucket{le=\"+Inf\"} ").Append(s.Latencies.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("meshsim_control_push_latency_seconds_sum ").Append(s.Latencies.Sum(l => l.TotalSeconds).ToString("0.######", CultureInfo.InvariantCulture)).Append('\n');
        sb.Append("meshsim_control_push_latency_seconds_count ").Append(s.Latencies.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');

        PerSwitch(sb, "meshsim_control_switch_flows", "gauge", "Flows the switch holds, as far as the controller knows.", s, x => x.Flows);
        PerSwitch(sb, "meshsim_control_switch_groups", "gauge", "Groups the switch holds, as far as the controller knows.", s, x => x.Groups);
        PerSwitch(sb, "meshsim_control_switch_refused_total", "counter", "Updates the switch refused (it kept its old rules; the next update retries).", s, x => x.Refused);
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, long value) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n")
          .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');

    private static void Gauge(StringBuilder sb, string name, string help, double value) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n")
          .Append(name).Append(' ').Append(value.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');

    private static void PerSwitch(StringBuilder sb, string name, string type, string help, ControlLoopSnapshot s, Func<(string Switch, int Flows, int Groups, int Refused), int> get)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var x in s.Switches)
            sb.Append(name).Append("{switch=\"").Append(x.Switch).Append("\"} ").Append(get(x).ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
