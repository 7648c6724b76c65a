using MeshSim.Stack.Apps.HashiCups;
using MeshSim.Stack.Async;
using MeshSim.Stack.Sockets;

namespace MeshSim.Stack.Apps.Sidecar;

/// <summary>
/// A per-service sidecar proxy in the style of Consul Connect's Envoy with explicit upstreams: the
/// app dials <c>127.0.0.2:bind_port</c> (the loopback's far end, see <see cref="Loopback"/>) for each upstream (an outbound listener of this proxy), the
/// proxy opens its own connection to the upstream instance's sidecar (its public inbound listener),
/// and that sidecar opens a third connection to its app over loopback. Every connection is
/// terminated and re-originated: one app-level connection becomes three real TCP connections, two of
/// them on loopback. Forwarding costs CPU on the host's cores (see <see cref="SidecarCosts"/>), so the
/// proxies compete with the apps they serve.
/// </summary>
/// <remarks>Explicit upstreams rather than a transparent iptables redirect because the host stack has
/// no NAT hook, and because Consul's own HashiCups examples use explicit upstreams with these bind
/// ports; the data path (three TCP legs, two proxy traversals per hop) is the same either way.</remarks>
public sealed class SidecarProxy
{
    private readonly Host _host;
    private readonly SidecarCosts _costs;

    /// <summary>Creates the proxy for <paramref name="service"/> on <paramref name="host"/> (which needs a loopback interface: <see cref="Loopback.Attach"/>).</summary>
    public SidecarProxy(Host host, string service, SidecarCosts costs)
    {
        costs.Validate();
        if (!host.IsLocalAddress(Loopback.Address)) throw new InvalidOperationException($"{host.Name}: a sidecar needs the host's loopback interface (Loopback.Attach)");
        _host = host; _costs = costs; Service = service;
    }

    /// <summary>The service this proxy fronts.</summary>
    public string Service { get; }
    /// <summary>Connections accepted from the app (outbound listeners) or from other proxies (inbound listener).</summary>
    public long Accepted { get; private set; }
    /// <summary>Connections this proxy opened (to another proxy or to its app).</summary>
    public long Originated { get; private set; }
    /// <summary>Request or response turns forwarded (each charged half the per-request cost).</summary>
    public long Turns { get; private set; }
    /// <summary>Payload bytes forwarded, both directions.</summary>
    public long BytesForwarded { get; private set; }

    /// <summary>
    /// What this proxy did for each upstream service, as an Envoy outbound cluster counts it (Istio's
    /// <c>reporter="source"</c> series come from these): connections it opened to the upstream, those
    /// that ended, and payload bytes of requests (app → upstream) and responses (upstream → app).
    /// </summary>
    public sealed class UpstreamStats(string service)
    {
        /// <summary>The upstream service (or "port N" when none was named).</summary>
        public string Service { get; } = service;
        /// <summary>Connections opened to the upstream.</summary>
        public long Opened { get; internal set; }
        /// <summary>Of those, connections whose both directions ended (FIN or reset).</summary>
        public long Closed { get; internal set; }
        /// <summary>Request bytes, app to upstream.</summary>
        public long RequestBytes { get; internal set; }
        /// <summary>Response bytes, upstream to app.</summary>
        public long ResponseBytes { get; internal set; }
    }

    private readonly List<UpstreamStats> _upstreams = [];

    /// <summary>Per-upstream counters, in the order the upstreams were added.</summary>
    public IReadOnlyList<UpstreamStats> Upstreams => _upstreams;

    /// <summary>The public listener other proxies connect to; forwards to the app over loopback on <paramref name="appPort"/>.</summary>
    public SidecarProxy ListenInbound(ushort port, ushort appPort)
    {
        Serve(_host.Listen(port), () => new Endpoint(Loopback.PeerAddress, appPort), null);
        return this;
    }

    /// <summary>An explicit upstream: the app dials 127.0.0.2:<paramref name="bindPort"/>; connections go,
    /// round robin, to the upstream instances' inbound listeners in <paramref name="targets"/>;
    /// <paramref name="service"/> names the upstream in <see cref="Upstreams"/>.</summary>
    public SidecarProxy AddUpstream(ushort bindPort, IReadOnlyList<Endpoint> targets, string? service = null)
    {
        if (targets.Count == 0) throw new ArgumentException($"upstream on bind port {bindPort} of {Service} has no instances", nameof(targets));
        int next = 0;
        var stats = new UpstreamStats(service ?? $"port {bindPort}");
        var listener = _host.Listen(bindPort);
        _upstreams.Add(stats);
        Serve(listener, () =>
        {
            var t = targets[next];
            next = (next + 1) % targets.Count;
            // A local instance's sidecar is reached over loopback (Linux routes a local address via lo).
            return _host.IsLocalAddress(t.Address) ? new Endpoint(Loopback.PeerAddress, t.Port) : t;
        }, stats);
        return this;
    }

    private void Serve(TcpListener listener, Func<Endpoint> pick, UpstreamStats? stats) =>
        _host.Sim.Spawn(async () =>
        {
            while (true)
            {
                var downstream = await listener.AcceptAsync();
                Accepted++;
                var to = pick();
                _host.Sim.Spawn(() => Relay(downstream, to, stats));
            }
        });

    private async SimTask Relay(TcpSocket downstream, Endpoint to, UpstreamStats? stats)
    {
        TcpSocket upstream;
        try { upstream = await _host.ConnectAsync(to.Address, to.Port); }
        catch (TcpException) { downstream.Abort(); return; }
        Originated++;
        if (stats is not null) stats.Opened++;
        var turn = new TurnState { Stats = stats };
        _host.Sim.Spawn(() => Pump(downstream, upstream, 0, turn));
        _host.Sim.Spawn(() => Pump(upstream, downstream, 1, turn));
    }

    /// <summary>Which direction moved last: a change of direction is a new request or response.</summary>
    private sealed class TurnState
    {
        public int LastDirection = -1;
        public int Ended;
        public UpstreamStats? Stats;
    }

    /// <summary>One direction is over; when both are, the connection counts as closed.</summary>
    private static void End(TurnState turn)
    {
        if (++turn.Ended == 2 && turn.Stats is { } done) done.Closed++;
    }

    private async SimTask Pump(TcpSocket from, TcpSocket to, int direction, TurnState turn)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer);
                if (n == 0) { to.Close(); End(turn); return; }   // half-close travels through, as Envoy's tcp_proxy does
                long cpu = (long)(n * _costs.PerByteCpuNs);
                long wait = 0;
                if (turn.LastDirection != direction)
                {
                    turn.LastDirection = direction;
                    Turns++;
                    cpu += _costs.PerRequestCpuNs / 2;
                    wait = _costs.PerRequestWaitNs / 2;
                }
                if (cpu > 0) await _host.Cpu.RunAsync(cpu);
                if (wait > 0) await _host.Sim.Delay(wait);
                BytesForwarded += n;
                if (turn.Stats is { } st)
                {
                    if (direction == 0) st.RequestBytes += n;
                    else st.ResponseBytes += n;
                }
                await to.SendAsync(buffer.AsMemory(0, n));
            }
        }
        catch (TcpException)
        {
            from.Abort();
            to.Abort();
            End(turn);
        }
    }
}
