namespace MeshSim.Ovs.Datapath;

/// <summary>
/// What a group bucket really executes. OVS treats a bucket's actions as an OpenFlow <em>action set</em>,
/// not a list (ofpacts_execute_action_set, OVS 3.1): the actions run in the spec's fixed order — strip_vlan,
/// push_vlan, dec_ttl (the last of each kind), then every set_field/load/move in the order written — and
/// then exactly one terminal action: the last <c>group</c>, else the last <c>output</c> (NORMAL, FLOOD,
/// IN_PORT and a plain <c>CONTROLLER:N</c> are outputs too), else the last <c>resubmit</c>, else the last
/// <c>ct_clear</c>, else the last <c>ct</c>. Everything else (controller(...) with options, output:REG,
/// output(port=,max_len=), push/pop, exit, a second output, a ct next to an output, ...) is dropped, and
/// without a terminal action nothing runs. So the thesis' template
/// <c>bucket=ct(commit,nat(dst=IP:PORT)),mod_dl_dst:MAC,output:N</c> never reaches conntrack on a real switch.
/// </summary>
public sealed record BucketActionSet(IReadOnlyList<OvsAction> Executed, IReadOnlyList<OvsAction> Dropped)
{
    /// <summary>Orders <paramref name="written"/> as an action set and separates what OVS drops.</summary>
    public static BucketActionSet From(IReadOnlyList<OvsAction> written)
    {
        // Indexes, not instances: an action record may be shared (NORMAL twice is one instance).
        int stripVlan = -1, pushVlan = -1, decTtl = -1, group = -1, output = -1, resubmit = -1, ctClear = -1, ct = -1;
        var sets = new List<int>();
        for (int i = 0; i < written.Count; i++)
        {
            switch (written[i])
            {
                case StripVlanAction: stripVlan = i; break;
                case PushVlanAction: pushVlan = i; break;
                case DecTtlAction: decTtl = i; break;
                case SetFieldAction or LoadAction or MoveAction: sets.Add(i); break;
                case GroupAction: group = i; break;
                case OutputAction or InPortAction or NormalAction or FloodAction: output = i; break;
                case ControllerAction { IsPlainOutput: true }: output = i; break;   // OVS holds it as output:CONTROLLER
                case ResubmitAction: resubmit = i; break;
                case CtClearAction: ctClear = i; break;
                case CtAction: ct = i; break;
            }
        }
        int terminal = group >= 0 ? group : output >= 0 ? output : resubmit >= 0 ? resubmit : ctClear >= 0 ? ctClear : ct;
        var order = new List<int>();
        if (terminal >= 0)
        {
            foreach (int i in (ReadOnlySpan<int>)[stripVlan, pushVlan, decTtl]) if (i >= 0) order.Add(i);
            order.AddRange(sets);
            order.Add(terminal);
        }
        var dropped = new List<OvsAction>();
        for (int i = 0; i < written.Count; i++) if (!order.Contains(i)) dropped.Add(written[i]);
        return new BucketActionSet(order.ConvertAll(i => written[i]), dropped);
    }
}
