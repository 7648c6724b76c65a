using System.Net;
using BenchmarkDotNet.Attributes;
using MeshSim.Control.Compiler;
using MeshSim.Control.Metrics;
using MeshSim.Control.Samples;
using MeshSim.Engine;
using MeshSim.Io.Metrics;
using MeshSim.Ovs.Conntrack;
using MeshSim.Ovs.Datapath;
using MeshSim.Ovs.Stats;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.Control;

/// <summary>
/// Cost of one <c>/metrics</c> scrape (<c>--metrics-listen</c>): the switches' and the service
/// series rendered from the counters, in process (<see cref="Exposition"/>) and as a Prometheus
/// would fetch it over loopback HTTP from <see cref="MetricsEndpoint"/> (<see cref="HttpScrape"/>).
/// Meshes are <see cref="ScaleMesh"/>'s (3 instances, 5 upstreams per service) compiled and
/// installed on bridges: "10k-flows" is 8 switches × 16 hosts and 400 services (9 960 flows),
/// "1000-services" 16 × 16 and 1 000 services (29 064 flows); <see cref="Connections"/> TCP
/// connections of allowed pairs sit in the bridges' conntrack (each scrape folds them into the
/// byte and close totals). Setup prints the series count of the exposition and, with
/// MESHSIM_CPU_RATES=1, the thread CPU time per in-process scrape.
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*MetricsScrapeBenchmark*' --job short --inProcess
/// </summary>
[MemoryDiagnoser]
public class MetricsScrapeBenchmark
{
    /// <summary>A mesh size, named in the results by <see cref="Name"/>.</summary>
    public sealed record MeshSize(string Name, int Switches, int HostsPerSwitch, int Services)
    {
        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    /// <summary>The meshes measured.</summary>
    public static IEnumerable<MeshSize> Meshes => [new("10k-flows", 8, 16, 400), new("1000-services", 16, 16, 1000)];

    [ParamsSource(nameof(Meshes))] public MeshSize Mesh = null!;
    [Params(0, 10_000)] public int Connections;

    private List<OpenFlowBridge> _bridges = null!;
    private ServiceTcpMetrics _services = null!;
    private MetricsEndpoint _endpoint = null!;
    private HttpClient _http = null!;
    private readonly object _gate = new();

    [GlobalSetup]
    public void Setup()
    {
        var topology = ScaleMesh.Topology(Mesh.Switches, Mesh.HostsPerSwitch);
        var compiled = MeshCompiler.Compile(ScaleMesh.Registry(topology, Mesh.Services, 3, 5), topology, MeshOptions.ThesisLab);
        var sim = new Simulator(1);
        _bridges = compiled.RuleSets.OrderBy(r => r.Switch, StringComparer.Ordinal).Select(r =>
        {
            var b = new OpenFlowBridge(r.Switch, sim.Random("bench/" + r.Switch), () => sim.Now);
            foreach (var g in r.Groups) b.AddGroup(g.Group);
            foreach (var f in r.Flows) b.AddFlow(f.Flow);
            return b;
        }).ToList();
        var vip = MeshOptions.ThesisLab.VirtualIp;
        _services = new ServiceTcpMetrics(compiled, vip);

        // Connections client -> VIP:bind port of allowed pairs, committed in each client switch's conntrack.
        var pairs = compiled.Pairs.Where(p => p.Allowed).ToList();
        var byName = _bridges.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var commit = new CtRequest(true, false, 1, null);
        var buf = new byte[128];
        var mac = MacAddress.Parse("00:00:00:00:00:01");
        for (int i = 0; i < Connections; i++)
        {
            var p = pairs[i % pairs.Count];
            ushort sport = (ushort)(1024 + i / pairs.Count);
            int n = FrameBuilder.Tcp(buf, new EthernetRepr(mac, mac, 0x0800), new Ipv4Repr(p.Host.Ip, vip), new TcpRepr(sport, p.Port, 100, 0, TcpFlags.Syn, 65535), []);
            var k = default(FlowKey); var c = default(ExtractCounters);
            FlowExtractor.Extract(buf.AsSpan(0, n), 1, ref k, ref c);
            var md = default(CtMetadata);
            byName[p.Host.Switch].Conntrack.Execute(buf.AsSpan(0, n), in k, ref md, in commit, 0);
        }

        _endpoint = new MetricsEndpoint(new IPEndPoint(IPAddress.Loopback, 0), _ => Task.FromResult<string?>(Render()));
        _http = new HttpClient();
        var text = Render();
        int Series(string t) => t.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        Console.WriteLine($"// {Mesh}: {_bridges.Sum(b => b.Tables.Sum(t => t.Count))} flows on {_bridges.Count} bridges, " +
                          $"{_bridges.Sum(b => b.Conntrack.Connections(0).Count())} conntrack entries, {Series(text)} series " +
                          $"({Series(_services.Render(_bridges))} service), {text.Length / 1e6:0.0} MB per scrape");
        if (Environment.GetEnvironmentVariable("MESHSIM_CPU_RATES") == "1") PrintCpuPerScrape();
    }

    /// <summary>
    /// Thread CPU time of one in-process scrape: 7 rounds of at least 5 scrapes and 300 ms after a
    /// warm-up, best and median round (on a loaded machine wall-clock times include other processes'
    /// turns; thread CPU time does not, though caches and steal time still inflate it).
    /// </summary>
    private void PrintCpuPerScrape()
    {
        for (int i = 0; i < 5; i++) Render();
        var rounds = new double[7];
        for (int r = 0; r < rounds.Length; r++)
        {
            long n = 0, start = MeshSim.Benchmarks.P4.ThreadCpuClock.NowNs(), spent;
            do { Render(); n++; spent = MeshSim.Benchmarks.P4.ThreadCpuClock.NowNs() - start; } while (n < 5 || spent < 300_000_000);
            rounds[r] = spent / 1e6 / n;
        }
        Array.Sort(rounds);
        Console.WriteLine($"// {Mesh}, {Connections} connections: thread CPU per scrape {rounds[0]:0.0} ms best, {rounds[3]:0.0} ms median");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _endpoint.Dispose();
    }

    // What RunMetrics.Exposition renders for a world: switch series, then service series (one scrape at a time).
    private string Render()
    {
        lock (_gate) return PrometheusText.Render(_bridges) + _services.Render(_bridges);
    }

    /// <summary>One scrape rendered in process.</summary>
    [Benchmark]
    public int Exposition() => Render().Length;

    /// <summary>One scrape as Prometheus does it: an HTTP GET of /metrics over loopback.</summary>
    [Benchmark]
    public async Task<int> HttpScrape() => (await _http.GetStringAsync(_endpoint.Url)).Length;
}
