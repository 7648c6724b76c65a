using FsCheck;
using FsCheck.Fluent;
using MeshSim.Control.Registry;

namespace MeshSim.Testing;

/// <summary>
/// FsCheck generators: 1–8 switches (tree or full mesh), hosts spread over them (several services
/// often share a host), 1–6 services with 1–5 instances each on random ports, upstreams, weights,
/// health and Consul-style intentions including wildcards. Generators only build valid cases, so
/// no property needs a filter. The shrinker drops intentions, instances and services (renumbering
/// references), so a failure ends as a small printed scenario.
/// </summary>
public static class MeshGenerators
{
    public static Arbitrary<MeshCase> MeshCase() => Arb.From(Case, Shrink);

    public static Gen<MeshCase> Case =>
        from fullMesh in Gen.Elements(false, true)
        from switches in Gen.Choose(1, 8)
        from hostCount in Gen.Choose(1, 10)
        from hostSwitch in Gen.ArrayOf(Gen.Choose(0, switches - 1), hostCount)
        from serviceCount in Gen.Choose(1, 6)
        from services in Gen.ArrayOf(Service(hostCount, serviceCount), serviceCount)
        from intentions in Gen.ListOf(Intention(serviceCount))
        from defaultAllow in Gen.Elements(true, false)
        select new MeshCase(fullMesh, switches, hostSwitch, UniquePorts(services), intentions.ToArray(), defaultAllow);

    private static Gen<GeneratedService> Service(int hosts, int services) =>
        from n in Gen.Choose(1, 5)
        from instances in Gen.ArrayOf(Instance(hosts), n)
        from upstreams in Gen.SubListOf(Enumerable.Range(0, services).ToArray())
        select new GeneratedService(instances, upstreams.ToArray());

    private static Gen<GeneratedInstance> Instance(int hosts) =>
        from host in Gen.Choose(0, hosts - 1)
        from port in Gen.Choose(1024, 9999)
        from weight in Gen.Frequency((6, Gen.Constant(1)), (3, Gen.Choose(2, 100)), (1, Gen.Constant(0)))
        from health in Gen.Frequency((6, Gen.Constant(HealthStatus.Passing)), (2, Gen.Constant(HealthStatus.Warning)), (2, Gen.Constant(HealthStatus.Critical)))
        select new GeneratedInstance(host, (ushort)port, (ushort)weight, health);

    private static Gen<GeneratedIntention> Intention(int services) =>
        from s in Gen.Choose(-1, services - 1)
        from d in Gen.Choose(-1, services - 1)
        from allow in Gen.Elements(true, false)
        select new GeneratedIntention(s, d, allow);

    /// <summary>Two instances on one host cannot listen on one port: move later ones up.</summary>
    public static GeneratedService[] UniquePorts(IReadOnlyList<GeneratedService> services)
    {
        var used = new HashSet<(int, ushort)>();
        return services.Select(s => s with
        {
            Instances = s.Instances.Select(i =>
            {
                var p = i.Port;
                while (!used.Add((i.Host, p))) p++;
                return i with { Port = p };
            }).ToArray(),
        }).ToArray();
    }

    public static IEnumerable<MeshCase> Shrink(MeshCase c)
    {
        for (int i = 0; i < c.Intentions.Count; i++)
            yield return c with { Intentions = c.Intentions.Where((_, k) => k != i).ToArray() };
        for (int s = 0; s < c.Services.Count; s++)
            for (int i = 0; i < c.Services[s].Instances.Count; i++)
                yield return c with { Services = c.Services.Select((sv, k) => k != s ? sv : sv with { Instances = sv.Instances.Where((_, j) => j != i).ToArray() }).ToArray() };
        if (c.Services.Count > 1)
            for (int s = 0; s < c.Services.Count; s++)
                yield return RemoveService(c, s);
    }

    private static MeshCase RemoveService(MeshCase c, int s)
    {
        int Re(int i) => i > s ? i - 1 : i;
        var services = c.Services.Where((_, k) => k != s)
            .Select(sv => sv with { Upstreams = sv.Upstreams.Where(u => u != s).Select(Re).ToArray() }).ToArray();
        var intentions = c.Intentions.Where(i => i.Source != s && i.Destination != s)
            .Select(i => i with { Source = i.Source < 0 ? -1 : Re(i.Source), Destination = i.Destination < 0 ? -1 : Re(i.Destination) }).ToArray();
        return c with { Services = services, Intentions = intentions };
    }
}

/// <summary>A case and a changed registry on the same hosts: health re-rolled, instances appended, intentions flipped or added.</summary>
public sealed record MeshUpdate(MeshCase Before, MeshCase After)
{
    public override string ToString() => $"\nbefore:{Before}\nafter:{After}";
}

public static class UpdateGenerators
{
    public static Arbitrary<MeshUpdate> MeshUpdate() => Arb.From(
        from before in MeshGenerators.Case
        from after in Mutate(before)
        select new MeshUpdate(before, after), Shrink);

    /// <summary>Shrinks the change, not the mesh: undo one mutation at a time, so a failure ends at the smallest change that breaks.</summary>
    public static IEnumerable<MeshUpdate> Shrink(MeshUpdate u)
    {
        var (b, a) = (u.Before, u.After);
        int offset = a.Intentions.Count - b.Intentions.Count;     // 1 when an exact-pair intention was inserted first
        if (offset == 1) yield return u with { After = a with { Intentions = a.Intentions.Skip(1).ToArray() } };
        for (int k = 0; k < b.Intentions.Count; k++)
            if (a.Intentions[k + offset] != b.Intentions[k])
                yield return u with { After = a with { Intentions = a.Intentions.Select((x, j) => j == k + offset ? b.Intentions[k] : x).ToArray() } };
        for (int s = 0; s < b.Services.Count; s++)
        {
            var (bs, asv) = (b.Services[s], a.Services[s]);
            if (asv.Instances.Count > bs.Instances.Count)
                yield return u with { After = a with { Services = a.Services.Select((x, j) => j == s ? x with { Instances = x.Instances.Take(bs.Instances.Count).ToArray() } : x).ToArray() } };
            for (int i = 0; i < bs.Instances.Count; i++)
                if (asv.Instances[i] != bs.Instances[i])
                    yield return u with { After = a with { Services = a.Services.Select((x, j) => j != s ? x : x with { Instances = x.Instances.Select((y, m) => m == i ? bs.Instances[i] : y).ToArray() }).ToArray() } };
        }
    }

    private static Gen<MeshCase> Mutate(MeshCase c) =>
        from health in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant<HealthStatus?>(null)), (1, Gen.Constant<HealthStatus?>(HealthStatus.Critical)), (1, Gen.Constant<HealthStatus?>(HealthStatus.Passing))), c.Services.Sum(s => s.Instances.Count))
        from addTo in Gen.Choose(-1, c.Services.Count - 1)
        from host in Gen.Choose(0, c.HostSwitch.Count - 1)
        from flip in Gen.Choose(-1, c.Intentions.Count - 1)
        from extra in Gen.Choose(-1, c.Services.Count - 1)
        select Apply(c, health, addTo, host, flip, extra);

    private static MeshCase Apply(MeshCase c, HealthStatus?[] health, int addTo, int host, int flip, int extra)
    {
        int n = 0;
        var used = c.Services.SelectMany(s => s.Instances).Select(i => (i.Host, i.Port)).ToHashSet();
        var services = c.Services.Select((s, si) =>
        {
            var inst = s.Instances.Select(i => health[n++] is { } h ? i with { Health = h } : i).ToList();
            if (si == addTo)
            {
                ushort port = 40000;
                while (!used.Add((host, port))) port++;
                inst.Add(new GeneratedInstance(host, port, 1, HealthStatus.Passing)); // appended: existing ids keep their meaning
            }
            return s with { Instances = inst };
        }).ToArray();
        var intentions = c.Intentions.Select((i, k) => k == flip ? i with { Allow = !i.Allow } : i).ToList();
        if (extra >= 0) intentions.Insert(0, new GeneratedIntention(extra, extra, false)); // exact pair: wins, and is kept by DistinctBy
        return c with { Services = services, Intentions = intentions };
    }
}
