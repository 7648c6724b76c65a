using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Cli.Scenario;
using MeshSim.Wire;

namespace MeshSim.Cli.Tests.Hostile;

/// <summary>
/// Scenario text round trips: for generated scenarios, load(write(x)) is x (compared through the
/// canonical, lossless text); for every scenario text that loads, write(load(s)) is a fixed point.
/// The fuzz target <c>scenario</c> checks the second property on every mutated input that loads.
/// </summary>
[Properties(Arbitrary = [typeof(ScenarioGenerators)], MaxTest = 200)]
public class ScenarioRoundTripProperties
{
    [Property]
    public Property Load_of_write_is_the_scenario(ScenarioSpec x)
    {
        var text = ScenarioWriter.Write(x);
        var back = ScenarioLoader.Load(text, "gen.yaml");
        return (ScenarioWriter.Write(back) == text && back.Hosts.Count == x.Hosts.Count && back.Description == x.Description
                && back.Links.Select(l => l.Loss).SequenceEqual(x.Links.Select(l => l.Loss))).Label(text)
            .Classify(x.Services.Count > 0, "with services").Classify(x.Links.Count > 0, "with links");
    }

    public static TheoryData<string> RepoScenarios() =>
        new(Directory.EnumerateFiles(Path.Combine(Run.ThesisLabTests.Repo, "scenarios"), "*.yaml", SearchOption.AllDirectories)
            // experiment.yaml and syn-retransmit.yaml are experiment files (docs/thesis-table4.md), not scenarios.
            .Where(f => Path.GetFileName(f) is not ("experiment.yaml" or "syn-retransmit.yaml")).Order(StringComparer.Ordinal));

    [Theory, MemberData(nameof(RepoScenarios))]
    public void Write_of_load_is_a_fixed_point_for_every_repo_scenario(string path)
    {
        var once = ScenarioWriter.Write(ScenarioLoader.LoadFile(path));
        Assert.Equal(once, ScenarioWriter.Write(ScenarioLoader.Load(once, path)));
    }
}

/// <summary>Valid scenarios only: names are unique, links end on existing nodes with unique ports, instances
/// sit on existing hosts, upstreams and intentions name existing services. Free text (description, URLs,
/// expectation text, tags) includes quotes, backslashes, controls and non-ASCII.</summary>
public static class ScenarioGenerators
{
    public static Arbitrary<ScenarioSpec> Scenario() => Arb.From(Spec);

    private static readonly Position P = new(1, 1, "");

    private static Gen<string> Text =>
        from parts in Gen.ListOf(Gen.Elements("a", "Z", " ", "\"", "\\", "\n", "\t", "\r", "é", "#", ": ", "- ", "\u0085", "\u0001", "{", "}", "'", "😀", "&x", "*x", "%", "\u00a0", "0x1"))
        select string.Concat(parts);

    private static Gen<ScenarioSpec> Spec =>
        from hostCount in Gen.Choose(0, 6)
        from switchCount in Gen.Choose(0, 4)
        from hosts in Gen.ArrayOf(Host, hostCount)
        from switches in Gen.ArrayOf(Switch, switchCount)
        let named = hosts.Select((h, i) => h with { Name = $"h{i}" }).ToArray()
        let sws = switches.Select((s, i) => s with { Name = $"s{i}" }).ToArray()
        let nodes = named.Select(h => h.Name).Concat(sws.Select(s => s.Name)).ToArray()
        from links in nodes.Length == 0 ? Gen.Constant(Array.Empty<LinkSpec>()) : Gen.ListOf(Link(nodes)).Select(ls => ls.Select((l, i) => Number(l, i)).ToArray())
        from serviceCount in hostCount == 0 ? Gen.Constant(0) : Gen.Choose(0, 4)
        from services in Gen.ArrayOf(Service(hostCount, serviceCount), serviceCount)
        let svcs = services.Select((s, i) => s with { Name = $"svc{i}" }).ToArray()
        from rules in serviceCount == 0 ? Gen.Constant(Array.Empty<IntentionSpec>()) : Gen.ListOf(Rule(serviceCount)).Select(r => r.ToArray())
        from def in Gen.Elements("allow", "deny")
        from traffic in serviceCount == 0 ? Gen.Constant(Array.Empty<TrafficSpec>()) : Gen.ListOf(Traffic(serviceCount)).Select(t => t.Select((x, i) => x with { Name = $"run{i}" }).ToArray())
        from description in Gen.OneOf(Gen.Constant<string?>(null), Text.Select(t => (string?)t))
        from seed in Gen.Choose(0, int.MaxValue).Select(v => (ulong)v * 7919)
        from until in Gen.Choose(1, 3_600_000).Select(ms => ms * 1_000_000L)
        from arp in Gen.Elements("responder", "static")
        from capture in Gen.OneOf(Gen.Constant<CaptureSpec?>(null), Gen.Elements("pcap", "pcapng").Select(f => (CaptureSpec?)new CaptureSpec("out dir/\"caps\"", f)))
        from expect in Gen.ListOf(from k in Gen.Elements("reach", "deny", "latency", "flow") from t in Text select new ExpectationSpec(k, t, P))
        select new ScenarioSpec("gen", description, seed, until, new MeshSpec(Ipv4Address.Parse("192.168.1.250"), MacAddress.Parse("02:00:00:00:00:fa"), arp),
            named, sws, links, svcs, new IntentionsSpec(def, rules), traffic, capture, expect.ToArray(), "gen.yaml");

    private static Gen<HostSpec> Host =>
        from a in Gen.Choose(0, 255) from b in Gen.Choose(1, 254) from prefix in Gen.Choose(0, 32)
        from mac in Gen.Choose(0, 0xffffff) from cores in Gen.Choose(1, 64) from external in Gen.Elements(false, true)
        select new HostSpec("", Ipv4Address.Parse($"10.{a}.0.{b}"), MacAddress.Parse($"02:00:00:{mac >> 16:x2}:{(mac >> 8) & 255:x2}:{mac & 255:x2}"), prefix, cores, P, external);

    private static Gen<SwitchSpec> Switch =>
        Gen.OneOf(
            from flows in Gen.Elements<string?>(null, "s.flows", "dir with space/x.flows") from groups in Gen.Elements<string?>(null, "s.groups")
            select new SwitchSpec("", "ovs", flows, groups, P),
            from program in Gen.Elements<string?>(null, "p.json")
            from commands in Gen.Elements<string?>(null, "c.txt")
            from runtime in Gen.Elements<string?>(null, "s1-runtime.json")
            select program is null ? new SwitchSpec("", "p4", null, null, P) : new SwitchSpec("", "p4", null, null, P, program, commands, runtime));

    private static Gen<LinkSpec> Link(string[] nodes) =>
        from a in Gen.Elements(nodes) from b in Gen.Elements(nodes) from ports in Gen.Elements(false, true)
        from latency in Gen.Choose(0, 1_000_000) from rate in Gen.Frequency((1, Gen.Constant(0L)), (3, Gen.Choose(1, int.MaxValue).Select(r => (long)r * 1000)))
        from queue in Gen.Choose(1, 100_000) from loss in Gen.Choose(0, 1000)
        select new LinkSpec(new Endpoint(a, ports ? 1u : null), new Endpoint(b, ports ? 2u : null), latency, rate, queue, loss / 1000.0, P);

    /// <summary>Port numbers unique per link (2i+1, 2i+2), so no two links share a port.</summary>
    private static LinkSpec Number(LinkSpec l, int i) =>
        l.A.Port is null ? l : l with { A = l.A with { Port = (uint)(2 * i + 1) }, B = l.B with { Port = (uint)(2 * i + 2) } };

    private static Gen<ServiceSpec> Service(int hosts, int services) =>
        from instances in Gen.NonEmptyListOf(
            from h in Gen.Choose(0, hosts - 1) from port in Gen.Choose(1, 65535) from weight in Gen.Choose(1, 1000)
            from healthy in Gen.Elements(true, false) from tags in Gen.ListOf(Text)
            select new InstanceSpec($"h{h}", (ushort)port, weight, healthy, tags.ToArray(), P))
        from ups in Gen.SubListOf(Enumerable.Range(0, services).ToArray())
        from port in Gen.Choose(1, 65535)
        from kind in Gen.Elements("http", "frontend", "public-api", "product-api", "payments-api", "postgres")
        from time in Gen.Choose(0, 10_000_000) from size in Gen.Choose(0, 1 << 30)
        select new ServiceSpec("", instances.ToArray(), ups.ToDictionary(u => $"svc{u}", u => (ushort)port), new AppSpec(kind, time, size), P);

    private static Gen<IntentionSpec> Rule(int services) =>
        from s in Gen.Choose(-1, services - 1) from d in Gen.Choose(-1, services - 1) from a in Gen.Elements("allow", "deny")
        select new IntentionSpec(s < 0 ? "*" : $"svc{s}", d < 0 ? "*" : $"svc{d}", a, P);

    private static Gen<TrafficSpec> Traffic(int services) =>
        from s in Gen.Choose(0, services - 1) from requests in Gen.Choose(1, 1000) from concurrency in Gen.Choose(1, 64)
        from qps in Gen.Choose(0, 100_000) from start in Gen.Choose(0, 1_000_000) from path in Text
        from keepAlive in Gen.Elements(true, false) from durationMs in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 60_000)))
        select new TrafficSpec("", $"svc{s}", "http://192.168.1.250:9000/" + path, durationMs > 0 ? 0 : requests, concurrency, qps / 10.0, start * 1000L, P,
            keepAlive, durationMs * 1_000_000L);
}
