using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MeshSim.Control.Compiler;
using MeshSim.Control.Live;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Testing;

namespace MeshSim.Control.Tests.Properties;

/// <summary>What a registry change does; the numbers pick services, instances, hosts and intentions modulo what exists.</summary>
public enum RegistryChangeKind
{
    Health, Weight, Move, AddInstance, RemoveInstance, ToggleUpstream, FlipIntention, AddIntention, RemoveIntention,
    FlipDefault, AddService, RemoveService,
    /// <summary>A registry the compiler must refuse (an instance on a node the topology lacks, or two services of one host binding
    /// one port to different upstreams); the next change starts from the last good one.</summary>
    Invalid,
}

/// <summary>One generated registry change.</summary>
public sealed record RegistryChange(RegistryChangeKind Kind, int A, int B, int C)
{
    public override string ToString() => $"{Kind}({A},{B},{C})";
}

/// <summary>A mesh and a sequence of changes to its registry.</summary>
public sealed record ChangeSequence(MeshCase Start, IReadOnlyList<RegistryChange> Changes)
{
    public override string ToString() => $"{Start}\nchanges: {string.Join(", ", Changes)}";
}

public static class ChangeSequenceGenerators
{
    public static Arbitrary<ChangeSequence> ChangeSequence() => Arb.From(
        from start in MeshGenerators.Case
        from n in Gen.Choose(1, 10)
        from changes in Gen.ArrayOf(Change, n)
        select new ChangeSequence(start, changes),
        s => Enumerable.Range(0, s.Changes.Count).Select(i => s with { Changes = s.Changes.Where((_, k) => k != i).ToArray() }));

    private static Gen<RegistryChange> Change =>
        from kind in Gen.Frequency(
            (5, Gen.Constant(RegistryChangeKind.Health)), (2, Gen.Constant(RegistryChangeKind.Weight)), (2, Gen.Constant(RegistryChangeKind.Move)),
            (2, Gen.Constant(RegistryChangeKind.AddInstance)), (2, Gen.Constant(RegistryChangeKind.RemoveInstance)), (2, Gen.Constant(RegistryChangeKind.ToggleUpstream)),
            (1, Gen.Constant(RegistryChangeKind.FlipIntention)), (1, Gen.Constant(RegistryChangeKind.AddIntention)), (1, Gen.Constant(RegistryChangeKind.RemoveIntention)),
            (1, Gen.Constant(RegistryChangeKind.FlipDefault)), (1, Gen.Constant(RegistryChangeKind.AddService)), (1, Gen.Constant(RegistryChangeKind.RemoveService)),
            (1, Gen.Constant(RegistryChangeKind.Invalid)))
        from a in Gen.Choose(0, 1000)
        from b in Gen.Choose(0, 1000)
        from c in Gen.Choose(0, 1000)
        select new RegistryChange(kind, a, b, c);

    /// <summary>The case after the change (always a valid case; <see cref="RegistryChangeKind.Invalid"/> leaves it as is).</summary>
    public static MeshCase Apply(MeshCase m, RegistryChange ch)
    {
        var services = m.Services.ToList();
        int hosts = m.HostSwitch.Count;
        GeneratedService Svc(int x) => services[x % services.Count];
        MeshCase WithService(int s, GeneratedService spec) => m with { Services = MeshGenerators.UniquePorts(services.Select((x, k) => k == s ? spec : x).ToArray()) };
        MeshCase WithInstance(int s, Func<GeneratedInstance, GeneratedInstance> f)
        {
            var spec = Svc(s);
            if (spec.Instances.Count == 0) return m;
            int k = ch.B % spec.Instances.Count;
            return WithService(s % services.Count, spec with { Instances = spec.Instances.Select((x, j) => j == k ? f(x) : x).ToArray() });
        }
        int s = ch.A % services.Count;
        switch (ch.Kind)
        {
            case RegistryChangeKind.Health:
                return WithInstance(s, i => i with { Health = (HealthStatus)(ch.C % 3) });
            case RegistryChangeKind.Weight:
                return WithInstance(s, i => i with { Weight = (ushort)(ch.C % 4 == 0 ? 0 : ch.C % 50) });
            case RegistryChangeKind.Move:
                return WithInstance(s, i => i with { Host = ch.C % hosts });
            case RegistryChangeKind.AddInstance:
                return WithService(s, Svc(s) with { Instances = [.. Svc(s).Instances, new GeneratedInstance(ch.B % hosts, (ushort)(2000 + ch.C), 1, HealthStatus.Passing)] });
            case RegistryChangeKind.RemoveInstance:
                var inst = Svc(s).Instances;
                return inst.Count == 0 ? m : WithService(s, Svc(s) with { Instances = inst.Where((_, j) => j != ch.B % inst.Count).ToArray() });
            case RegistryChangeKind.ToggleUpstream:
                int d = ch.B % services.Count;
                var ups = Svc(s).Upstreams;
                return WithService(s, Svc(s) with { Upstreams = ups.Contains(d) ? ups.Where(u => u != d).ToArray() : [.. ups, d] });
            case RegistryChangeKind.FlipIntention when m.Intentions.Count > 0:
                int f = ch.A % m.Intentions.Count;
                return m with { Intentions = m.Intentions.Select((x, k) => k == f ? x with { Allow = !x.Allow } : x).ToArray() };
            case RegistryChangeKind.AddIntention:
                return m with { Intentions = [new GeneratedIntention(ch.A % (services.Count + 1) - 1, ch.B % (services.Count + 1) - 1, ch.C % 2 == 0), .. m.Intentions] };
            case RegistryChangeKind.RemoveIntention when m.Intentions.Count > 0:
                return m with { Intentions = m.Intentions.Where((_, k) => k != ch.A % m.Intentions.Count).ToArray() };
            case RegistryChangeKind.FlipDefault:
                return m with { DefaultAllow = !m.DefaultAllow };
            case RegistryChangeKind.AddService:
                var added = new GeneratedService([new GeneratedInstance(ch.B % hosts, (ushort)(3000 + ch.C), 1, HealthStatus.Passing)], [ch.A % services.Count]);
                return m with { Services = MeshGenerators.UniquePorts([.. services, added]) };
            case RegistryChangeKind.RemoveService when services.Count > 1:
                return RemoveService(m, s);
            default:
                return m;
        }
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

[Properties(Arbitrary = [typeof(ChangeSequenceGenerators)], MaxTest = 80)]
public class IncrementalCompileProperties
{
    /// <summary>Applies every diff to its own copy of the switch's rules, as a switch would.</summary>
    private sealed class ApplyingSink(string name) : ISwitchSink
    {
        public RuleSet Rules { get; private set; } = new(name, [], []);
        public int Mods { get; private set; }
        public string Switch => name;
        public void Apply(RuleSetDiff diff) { Rules = diff.ApplyTo(Rules); Mods += diff.Count; }
    }

    /// <summary>
    /// After every change of a random sequence, the incremental compiler's result equals a fresh
    /// full compile of the same registry: the same rules with the same provenance, bindings, group
    /// ids and warnings; a registry the full compiler refuses is refused with the same message and
    /// changes nothing. The control loop (which compiles incrementally) leaves every switch holding
    /// the fresh compile's rules, having sent exactly as many modifications as diffs between
    /// consecutive fresh compiles count.
    /// </summary>
    [Property]
    public Property Incremental_compile_equals_a_fresh_full_compile(ChangeSequence seq)
    {
        var t = seq.Start.Topology();
        var o = MeshCase.Options;
        var compiler = new IncrementalCompiler(t, o);
        var sinks = t.Switches.Select(sw => new ApplyingSink(sw.Name)).ToArray();
        var loop = new ControlLoop(t, o, sinks, _ => { });
        var failures = new List<string>();
        var current = seq.Start;
        CompileResult? lastFresh = null;
        int expectedMods = 0, step = 0, incremental = 0, refused = 0, conflicts = 0;

        foreach (var change in new RegistryChange?[] { null }.Concat(seq.Changes))
        {
            step++;
            if (change is not null) current = ChangeSequenceGenerators.Apply(current, change);
            var registry = current.Registry(t);
            if (change?.Kind == RegistryChangeKind.Invalid) registry = change.C % 2 == 0 ? Misplaced(registry, change) : Conflicting(registry, t, change);

            string? freshError = null, incError = null;
            CompileResult? fresh = null, inc = null;
            var before = compiler.Current;
            try { fresh = MeshCompiler.Compile(registry, t, o); } catch (RegistryException ex) { freshError = ex.Message; }
            try { inc = compiler.Update(registry); } catch (RegistryException ex) { incError = ex.Message; }
            loop.Handle(RegistryUpdate.Snapshot("test", registry));

            if (freshError is not null || incError is not null)
            {
                refused++;
                if (freshError?.Contains("services sharing a host must agree") == true) conflicts++;
                if (freshError != incError) failures.Add($"step {step} {change}: full compile said '{freshError}', incremental '{incError}'");
                if (!ReferenceEquals(before, compiler.Current)) failures.Add($"step {step} {change}: a refused registry changed the compiler's state");
            }
            else
            {
                if (step > 1 && compiler.RecompiledSwitches < t.Switches.Count) incremental++;
                Compare(fresh!, inc!, $"step {step} {change}", failures);
                expectedMods += fresh!.RuleSets.Sum(r => RuleSetDiff.Compute(lastFresh?.For(r.Switch) ?? new RuleSet(r.Switch, [], []), r).Count);
                lastFresh = fresh;
            }
            var expected = lastFresh?.RuleSets ?? t.Switches.Select(sw => new RuleSet(sw.Name, [], [])).ToArray();
            foreach (var (sink, want) in sinks.Zip(expected))
                if (!sink.Rules.SameRules(want)) failures.Add($"step {step} {change}: switch {sink.Switch} holds other rules than a fresh compile");
        }
        if (loop.Mods != expectedMods) failures.Add($"the loop sent {loop.Mods} modifications, consecutive fresh compiles differ by {expectedMods}");
        return (failures.Count == 0).Label(string.Join("\n", failures.Take(8)))
            .Classify(incremental > 0, "some updates reused switches")
            .Classify(refused > 0, "with a refused registry").Classify(conflicts > 0, "with a binding conflict")
            .Classify(incremental > 0 && seq.Changes.Any(c => c.Kind is RegistryChangeKind.Move or RegistryChangeKind.ToggleUpstream or RegistryChangeKind.AddInstance), "bindings moved on some switches");
    }

    private static void Compare(CompileResult fresh, CompileResult inc, string where, List<string> failures)
    {
        foreach (var (f, i) in fresh.RuleSets.Zip(inc.RuleSets))
        {
            if (RuleText.FormatFlows(f) != RuleText.FormatFlows(i)) failures.Add($"{where}: {f.Switch} flows differ:\n{RuleText.FormatFlows(i)}\nexpected\n{RuleText.FormatFlows(f)}");
            if (RuleText.FormatGroups(f) != RuleText.FormatGroups(i)) failures.Add($"{where}: {f.Switch} groups differ:\n{RuleText.FormatGroups(i)}\nexpected\n{RuleText.FormatGroups(f)}");
        }
        if (fresh.RuleSets.Count != inc.RuleSets.Count) failures.Add($"{where}: {inc.RuleSets.Count} rule sets, expected {fresh.RuleSets.Count}");
        if (!fresh.Pairs.SequenceEqual(inc.Pairs)) failures.Add($"{where}: bindings differ");
        if (!fresh.GroupIds.OrderBy(kv => kv.Key, StringComparer.Ordinal).SequenceEqual(inc.GroupIds.OrderBy(kv => kv.Key, StringComparer.Ordinal)))
            failures.Add($"{where}: group ids differ");
        if (!fresh.Warnings.SequenceEqual(inc.Warnings))
            failures.Add($"{where}: warnings [{string.Join("; ", inc.Warnings)}], expected [{string.Join("; ", fresh.Warnings)}]");
    }

    /// <summary>
    /// The registry with a second service moved onto a host of a caller and binding the caller's
    /// port to another upstream: refused, since the switch sees the host, not the service.
    /// </summary>
    private static ServiceRegistry Conflicting(ServiceRegistry r, MeshSim.Control.Topology.NetworkTopology t, RegistryChange ch)
    {
        var callers = r.Services.Where(s => s.Instances.Count > 0 && s.Upstreams.Count > 0).ToList();
        if (callers.Count == 0 || r.Services.Count < 2) return r;
        var caller = callers[ch.A % callers.Count];
        var up = caller.Upstreams[0];
        var other = r.Services.First(s => s.Name != caller.Name);
        var otherTarget = r.Services.FirstOrDefault(s => s.Name != up.Destination);
        if (otherTarget is null) return r;
        var host = t.FindHost(caller.Instances[ch.B % caller.Instances.Count].Node)!;
        var moved = other with
        {
            Instances = [.. other.Instances, new ServiceInstance(other.Name + "-intruder", host.Name, host.Ip, 60000, host.Mac, [])],
            Upstreams = [.. other.Upstreams.Where(u => u.LocalBindPort != up.LocalBindPort && u.Destination != otherTarget.Name), new Upstream(otherTarget.Name, up.LocalBindPort)],
        };
        return new ServiceRegistry(r.Services.Select(s => s.Name == other.Name ? moved : s), r.Policy);
    }

    /// <summary>The registry with one instance placed on a node the topology does not have.</summary>
    private static ServiceRegistry Misplaced(ServiceRegistry r, RegistryChange ch)
    {
        var withInstances = r.Services.Where(s => s.Instances.Count > 0).ToList();
        if (withInstances.Count == 0) return r;
        var victim = withInstances[ch.A % withInstances.Count];
        var k = ch.B % victim.Instances.Count;
        return new ServiceRegistry(r.Services.Select(s => s != victim ? s
            : s with { Instances = s.Instances.Select((i, j) => j == k ? i with { Node = "nowhere" } : i).ToArray() }), r.Policy);
    }
}
