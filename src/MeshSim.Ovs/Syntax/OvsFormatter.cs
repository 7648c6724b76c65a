using System.Globalization;
using System.Text;

namespace MeshSim.Ovs;

/// <summary>
/// Prints flows, matches, actions and groups exactly as ovs-ofctl 3.1 prints them after the switch
/// normalised them (lib/match.c <c>match_format</c>, lib/ofp-actions.c <c>format_*</c>,
/// lib/ofp-flow.c <c>ofputil_flow_stats_format</c>, lib/ofp-group.c <c>ofp_print_group</c>).
/// </summary>
public static partial class OvsFormatter
{
    /// <summary>OFP_DEFAULT_PRIORITY: not printed.</summary>
    public const int DefaultPriority = FlowEntry.DefaultPriority;

    /// <summary>The match part of a dump line (priority first unless it is the default).</summary>
    public static string FormatMatch(Match match, int priority)
    {
        var sb = new StringBuilder();
        AppendMatch(sb, match, priority);
        return sb.ToString();
    }

    /// <summary>
    /// A flow as <c>ovs-ofctl --no-stats dump-flows</c> prints it after <c>ovs-ofctl add-flow(s)</c>
    /// added it, without the leading space. Both commands talk OpenFlow 1.0 with Nicira extensions,
    /// which decides the action spelling (see <see cref="OfVersion"/>).
    /// </summary>
    public static string FormatFlow(FlowEntry flow)
    {
        const OfVersion version = OfVersion.OpenFlow10;
        var sb = new StringBuilder();
        if (flow.Cookie != 0) sb.Append("cookie=0x").Append(flow.Cookie.ToString("x", CultureInfo.InvariantCulture)).Append(", ");
        if (flow.Table != 0) sb.Append("table=").Append(flow.Table).Append(", ");
        AppendTimeouts(sb, flow);
        AppendMatchAndActions(sb, flow, version);
        return sb.ToString();
    }

    /// <summary>
    /// A flow as <c>ovs-ofctl dump-flows</c> (with statistics) prints it, without the leading space.
    /// The counters come from the caller (the datapath keeps them).
    /// </summary>
    public static string FormatFlowWithStats(FlowEntry flow, in FlowStats stats)
    {
        const OfVersion version = OfVersion.OpenFlow10;
        var sb = new StringBuilder();
        sb.Append("cookie=0x").Append(flow.Cookie.ToString("x", CultureInfo.InvariantCulture)).Append(", ");
        sb.Append("duration=");
        AppendDuration(sb, stats.DurationNs);
        sb.Append(", table=").Append(flow.Table).Append(", ");
        sb.Append("n_packets=").Append(stats.Packets).Append(", ");
        sb.Append("n_bytes=").Append(stats.Bytes).Append(", ");
        AppendTimeouts(sb, flow);
        sb.Append("idle_age=").Append(stats.IdleAgeSeconds).Append(", ");
        long durationSec = stats.DurationNs / 1_000_000_000;
        if (stats.HardAgeSeconds is { } hardAge && hardAge != durationSec)
            sb.Append("hard_age=").Append(hardAge).Append(", ");
        AppendMatchAndActions(sb, flow, version);
        return sb.ToString();
    }

    /// <summary>A group as <c>ovs-ofctl -O OpenFlow15 dump-groups</c> prints it, without the leading space.</summary>
    public static string FormatGroup(GroupEntry group)
    {
        var sb = new StringBuilder();
        sb.Append("group_id=").Append(group.GroupId);
        sb.Append(",type=").Append(group.Type switch
        {
            GroupType.All => "all",
            GroupType.Select => "select",
            GroupType.Indirect => "indirect",
            _ => "ff",
        });
        if (!string.IsNullOrEmpty(group.SelectionMethod))
        {
            sb.Append(",selection_method=").Append(group.SelectionMethod);
            if (group.SelectionMethodParam != 0) sb.Append(",selection_method_param=").Append(group.SelectionMethodParam);
            // OVS prints hash fields in its internal field order, not in the order given.
            var fields = group.Fields.OrderBy(f => OvsFieldOrder.Of(f.Field)).ToArray();
            if (fields.Length == 1) sb.Append(",fields=");
            else if (fields.Length > 1) sb.Append(",fields(");
            for (int i = 0; i < fields.Length; i++)
            {
                if (i > 0) sb.Append(',');
                var info = fields[i].Info;
                sb.Append(info.OxmName);
                if (fields[i].Mask != info.FullMask)
                {
                    sb.Append('=');
                    AppendValue(sb, info, fields[i].Mask, null);
                }
            }
            if (fields.Length > 1) sb.Append(')');
        }
        sb.Append(',');
        foreach (var b in group.Buckets)
        {
            sb.Append("bucket=bucket_id:").Append(b.BucketId).Append(',');
            if (b.Weight != (group.Type == GroupType.Select ? 1 : 0)) sb.Append("weight:").Append(b.Weight).Append(',');
            if (b.WatchPort != Bucket.NoWatchPort) sb.Append("watch_port:").Append(OfPort.Format(b.WatchPort)).Append(',');
            if (b.WatchGroup != Bucket.NoWatchGroup) sb.Append("watch_group:").Append(b.WatchGroup).Append(',');
            sb.Append("actions=");
            AppendActions(sb, b.Actions, OfVersion.OpenFlow15);
            sb.Append(',');
        }
        Chomp(sb, ',');
        return sb.ToString();
    }

    /// <summary>An action list as it appears after <c>actions=</c>.</summary>
    public static string FormatActions(IReadOnlyList<OvsAction> actions, OfVersion version = OfVersion.OpenFlow10)
    {
        var sb = new StringBuilder();
        AppendActions(sb, actions, version);
        return sb.ToString();
    }

    // OpenFlow 1.0 flow stats carry no flow-mod flags (send_flow_rem…) or importance, so OVS prints none.
    private static void AppendTimeouts(StringBuilder sb, FlowEntry flow)
    {
        if (flow.IdleTimeout != 0) sb.Append("idle_timeout=").Append(flow.IdleTimeout).Append(", ");
        if (flow.HardTimeout != 0) sb.Append("hard_timeout=").Append(flow.HardTimeout).Append(", ");
    }

    private static void AppendMatchAndActions(StringBuilder sb, FlowEntry flow, OfVersion version)
    {
        int before = sb.Length;
        AppendMatch(sb, flow.Match, flow.Priority);
        if (sb.Length != before) sb.Append(' ');
        sb.Append("actions=");
        AppendActions(sb, flow.Actions, version);
    }

    /// <summary>OVS's <c>ofp_print_duration</c>: seconds, then .mmm when whole milliseconds, else up to 9 digits.</summary>
    internal static void AppendDuration(StringBuilder sb, long ns)
    {
        long sec = ns / 1_000_000_000, nsec = ns % 1_000_000_000;
        sb.Append(sec);
        if (nsec > 0)
        {
            long msec = nsec / 1_000_000;
            if (msec * 1_000_000 == nsec) sb.Append('.').Append(msec.ToString("000", CultureInfo.InvariantCulture));
            else sb.Append('.').Append(nsec.ToString("000000000", CultureInfo.InvariantCulture));   // ofp_print_duration: %09u
        }
        sb.Append('s');
    }

    private static void Chomp(StringBuilder sb, char c)
    {
        if (sb.Length > 0 && sb[^1] == c) sb.Length--;
    }
}

/// <summary>
/// Counters for <see cref="OvsFormatter.FormatFlowWithStats"/>: packets, bytes, age of the flow
/// (nanoseconds of virtual time since it was added), seconds since it last matched, and optionally
/// seconds since it was last modified (printed only when it differs from the whole-second duration).
/// </summary>
public readonly record struct FlowStats(ulong Packets, ulong Bytes, long DurationNs, long IdleAgeSeconds, long? HardAgeSeconds = null);
