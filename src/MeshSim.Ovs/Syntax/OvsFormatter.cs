namespace MeshSim.Ovs;

/// <summary>Prints flows, matches and groups exactly as ovs-ofctl 3.1 does.</summary>
public static partial class OvsFormatter
{
    /// <summary>OFP_DEFAULT_PRIORITY: not printed.</summary>
    public const int DefaultPriority = FlowEntry.DefaultPriority;

    /// <summary>The match part of a dump line (priority first unless it is the default).</summary>
    public static string FormatMatch(Match match, int priority) => throw new NotImplementedException();

    /// <summary>A flow as <c>ovs-ofctl --no-stats dump-flows</c> prints it, without the leading space.</summary>
    public static string FormatFlow(FlowEntry flow) => throw new NotImplementedException();

    /// <summary>A group as <c>ovs-ofctl -O OpenFlow15 dump-groups</c> prints it, without the leading space.</summary>
    public static string FormatGroup(GroupEntry group) => throw new NotImplementedException();
}
