using System.Globalization;
using System.Text;

namespace MeshSim.P4.Programs;

/// <summary>
/// Writes simple_switch_CLI commands for <see cref="MeshProgram"/> from mesh concepts (a service VIP,
/// backends, subsets with weights, L7 rules, circuit breakers) — the table entries a controller
/// compiles. Member and group handles are predicted the way a fresh switch hands them out (0, 1, 2,
/// ...), so a command list written for an empty switch can be replayed as is.
/// </summary>
public sealed class MeshCommands
{
    private readonly List<string> _lines = [];
    private int _nextMember, _nextGroup;

    public IReadOnlyList<string> Lines => _lines;
    public override string ToString() => string.Join('\n', _lines) + "\n";

    /// <summary>Answer ARP for <paramref name="vip"/> with <paramref name="vmac"/>.</summary>
    public MeshCommands ArpResponder(string vip, string vmac) { _lines.Add($"table_add arp_vip arp_reply {vip} 1 => {vmac}"); return this; }

    /// <summary>Flood group 1 over <paramref name="ports"/> (unknown unicast and broadcast).</summary>
    public MeshCommands FloodPorts(params int[] ports)
    {
        _lines.Add("mc_mgrp_create 1");
        _lines.Add($"mc_node_create 0 {string.Join(' ', ports)}");
        _lines.Add("mc_node_associate 1 0");
        return this;
    }

    /// <summary>
    /// A service address as <paramref name="client"/> (an IPv4 source address) sees it: <paramref name="protocol"/>
    /// 6 (TCP) or 17 (UDP). The client is part of the key because a bind port means what that host's binding says.
    /// </summary>
    public MeshCommands Vip(string vip, int protocol, int port, string client, int vipId) { _lines.Add($"table_add vip set_vip {vip} {protocol} {port} {client} => {vipId}"); return this; }

    /// <summary>
    /// A backend instance (id ≥ 1) listening on <paramref name="listenPort"/>: where to send its traffic,
    /// and SNAT of its replies to <paramref name="clients"/> back to <paramref name="vip"/>:<paramref name="vipPort"/>.
    /// </summary>
    public MeshCommands Backend(int id, string ip, string mac, int switchPort, int listenPort, string vip, string vmac, int vipPort, string[] clients, params int[] protocols)
    {
        Dnat(id, ip, mac, switchPort, listenPort);
        foreach (var client in clients)
            foreach (var proto in protocols.Length == 0 ? [6, 17] : protocols) ReverseNat(ip, proto, listenPort, client, vip, vmac, vipPort);
        return this;
    }

    /// <summary>
    /// Connections pinned to backend <paramref name="id"/> (≥ 1) go to <paramref name="ip"/>:<paramref name="listenPort"/>
    /// (<paramref name="mac"/>) out of <paramref name="switchPort"/>.
    /// </summary>
    public MeshCommands Dnat(int id, string ip, string mac, int switchPort, int listenPort)
    {
        _lines.Add($"table_add backend dnat {id} => {ip} {mac} {switchPort} {listenPort}");
        return this;
    }

    /// <summary>
    /// Replies from <paramref name="ip"/>:<paramref name="listenPort"/> (IP protocol <paramref name="protocol"/>) to
    /// <paramref name="client"/> leave from <paramref name="vip"/>:<paramref name="vipPort"/> (the port that client binds).
    /// </summary>
    public MeshCommands ReverseNat(string ip, int protocol, int listenPort, string client, string vip, string vmac, int vipPort)
    {
        _lines.Add($"table_add rev snat {ip} {protocol} {listenPort} {client} => {vip} {vmac} {vipPort}");
        return this;
    }

    /// <summary>
    /// A subset's selector group in both selectors (<c>lb</c>, <c>lb_retry</c>): each backend appears
    /// <c>weight</c> times, so traffic splits in proportion to the weights (e.g. 9 and 1 for 90/10).
    /// </summary>
    public MeshCommands Subset(int vipId, int subset, params (int Backend, int Weight)[] weights) =>
        UseGroup(vipId, subset, SelectorGroup(weights));

    /// <summary>
    /// Creates a selector group in both action profiles (<c>backends_a</c>, <c>backends_b</c>) with each
    /// backend repeated <c>weight</c> times, and returns its handle (the same in both profiles), so
    /// several (VIP, subset) pairs can share one group (<see cref="UseGroup"/>).
    /// </summary>
    public int SelectorGroup(params (int Backend, int Weight)[] weights)
    {
        int group = _nextGroup++;
        foreach (var profile in new[] { "backends_a", "backends_b" })
        {
            int m = _nextMember;
            foreach (var (backend, weight) in weights)
                for (int i = 0; i < weight; i++) _lines.Add($"act_prof_create_member {profile} pick {backend}");
            _lines.Add($"act_prof_create_group {profile}");
            foreach (var (_, weight) in weights)
                for (int i = 0; i < weight; i++) _lines.Add($"act_prof_add_member_to_group {profile} {m++} {group}");
        }
        _nextMember += weights.Sum(w => w.Weight);
        return group;
    }

    /// <summary>Selects backends of (<paramref name="vipId"/>, <paramref name="subset"/>) from group <paramref name="group"/> in both selectors.</summary>
    public MeshCommands UseGroup(int vipId, int subset, int group)
    {
        _lines.Add($"table_indirect_add_with_group lb {vipId} {subset} => {group}");
        _lines.Add($"table_indirect_add_with_group lb_retry {vipId} {subset} => {group}");
        return this;
    }

    /// <summary>Frames the other tables leave to L2 (ARP nobody answers, non-IP) are dropped instead of flooded.</summary>
    public MeshCommands NoFlooding() { _lines.Add("table_set_default l2 drop"); return this; }

    /// <summary>L3 route for everything that is not a VIP.</summary>
    public MeshCommands Route(string prefix, int length, string nextHopMac, int port) { _lines.Add($"table_add fwd set_nhop {prefix}/{length} => {nextHopMac} {port}"); return this; }

    /// <summary>Requests to <paramref name="vipId"/> carrying <paramref name="label"/>: <paramref name="value"/> as their first mesh header go to <paramref name="subset"/> (canary).</summary>
    public MeshCommands HeaderRoute(int vipId, string label, string value, int subset, int priority)
    {
        _lines.Add($"table_add l7 set_subset {vipId} 0&&&0 1->2048 0&&&0 {label.Length}&&&0xff {Prefix(label, 8)} {value.Length}&&&0xffff {Prefix(value, 8)} => {subset} {priority}");
        return this;
    }

    /// <summary>Requests whose route starts with <paramref name="routePrefix"/> (and method, if given: mesh method code) go to <paramref name="subset"/>, or are denied when <paramref name="subset"/> is null (an L7 intention).</summary>
    public MeshCommands RouteRule(int vipId, int? method, string routePrefix, int? subset, int priority)
    {
        string m = method is { } mm ? $"{mm}&&&0xf" : "0&&&0";
        string key = $"{vipId} {m} {Math.Max(1, routePrefix.Length)}->2048 {Prefix(routePrefix, 16)} 0&&&0 0&&&0 0&&&0 0&&&0";
        _lines.Add(subset is { } s ? $"table_add l7 set_subset {key} => {s} {priority}" : $"table_add l7 deny {key} => {priority}");
        return this;
    }

    /// <summary>Trip backend <paramref name="backendId"/> (replying from <paramref name="ip"/>) after <paramref name="threshold"/> consecutive 5xx, for <paramref name="cooldownUs"/> µs.</summary>
    public MeshCommands CircuitBreaker(string ip, int backendId, int threshold, long cooldownUs)
    {
        _lines.Add($"table_add cb_instance count_response {ip} => {backendId} {threshold} {cooldownUs.ToString(CultureInfo.InvariantCulture)}");
        return this;
    }

    /// <summary>A ternary value&amp;&amp;&amp;mask over the first <paramref name="bytes"/> bytes that matches <paramref name="text"/> as a prefix.</summary>
    private static string Prefix(string text, int bytes)
    {
        var b = Encoding.Latin1.GetBytes(text);
        var value = new StringBuilder("0x"); var mask = new StringBuilder("0x");
        for (int i = 0; i < bytes; i++)
        {
            value.Append(i < b.Length ? b[i].ToString("x2", CultureInfo.InvariantCulture) : "00");
            mask.Append(i < b.Length ? "ff" : "00");
        }
        return $"{value}&&&{mask}";
    }
}
