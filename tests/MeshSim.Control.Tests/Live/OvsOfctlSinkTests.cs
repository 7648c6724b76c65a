using System.Diagnostics;
using MeshSim.Control.Compiler;
using MeshSim.Control.Live;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;
using MeshSim.Ovs;
using MeshSim.Control.Tests.RealOvs;

namespace MeshSim.Control.Tests.Live;

/// <summary>The live loop against a real Open vSwitch bridge (userspace datapath, started by tools/ovs/ovs-start.sh).</summary>
[Collection("real-ovs")]
public sealed class OvsOfctlSinkTests
{
    private static readonly string RunDir = Environment.GetEnvironmentVariable("MESHSIM_OVS_RUNDIR") ?? "/tmp/meshsim-ovs";
    private static readonly Dictionary<string, string> Env = new() { ["OVS_RUNDIR"] = RunDir };

    private static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OVS_RUNDIR"] = RunDir;
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)}: {error}");
        return output;
    }

    /// <summary>Starts the private OVS; skips the test only off CI when OVS is not installed (.ci/run installs it).</summary>
    private static void StartOvsOrSkip()
    {
        Skip.If(!File.Exists("/usr/bin/ovs-vsctl") && Environment.GetEnvironmentVariable("CI") is null, "Open vSwitch is not installed");
        Run("bash", Path.Combine(Shell.RepoRoot(), "tools", "ovs", "ovs-start.sh"));
    }

    /// <summary>The bridge's flows as OVS prints them, sorted.</summary>
    private static List<string> RealFlows(string bridge) =>
        Run("ovs-ofctl", "--no-stats", "dump-flows", bridge).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(l => !l.StartsWith("OFPST", StringComparison.Ordinal) && !l.StartsWith("NXST", StringComparison.Ordinal))
            .Select(l => l.Trim()).Order(StringComparer.Ordinal).ToList();

    /// <summary>The compiled flows as OVS 3.1 would print them after adding them (MeshSim's dump-flows model), sorted.</summary>
    private static List<string> Expected(RuleSet rules) => rules.Flows.Select(f => OvsFormatter.FormatFlow(f.Flow)).Order(StringComparer.Ordinal).ToList();

    [SkippableFact]
    public void A_sequence_of_registry_changes_ends_equal_to_a_fresh_compile_with_minimal_mods()
    {
        StartOvsOrSkip();
        const string bridge = "mslive1";
        Run("ovs-vsctl", "--may-exist", "add-br", bridge, "--", "set", "bridge", bridge, "datapath_type=netdev", "protocols=OpenFlow10,OpenFlow13,OpenFlow15");
        try
        {
            Run("ovs-ofctl", "del-flows", bridge);
            var sink = new OvsOfctlSink("s1", bridge, Env);
            var log = new List<ControlEvent>();
            var loop = new ControlLoop(ThesisLab.Topology(), MeshOptions.ThesisLab, [sink], log.Add);
            var h3 = ThesisLab.Topology().FindHost("H3")!;
            ServiceRegistry Step(int i)
            {
                var r = ThesisLab.Registry();
                var extra = Enumerable.Range(0, i % 3).Select(k => new ServiceInstance($"product-api-{k + 2}", "H3", h3.Ip, (ushort)(19573 + k), h3.Mac, []));
                return new ServiceRegistry(r.Services.Select(s => s.Name != "product-api" ? s : s with { Instances = [.. s.Instances, .. extra] }),
                    i == 4 ? new IntentionPolicy([new Intention("public-api", "payments", IntentionAction.Deny)], IntentionAction.Allow) : r.Policy);
            }
            var modsPerStep = new List<int>();
            for (int i = 0; i < 6; i++)
            {
                int before = loop.Mods;
                loop.Handle(RegistryUpdate.Snapshot("test", Step(i)));
                modsPerStep.Add(loop.Mods - before);
                var fresh = MeshCompiler.Compile(Step(i), ThesisLab.Topology(), MeshOptions.ThesisLab).For("s1");
                Assert.Equal(Expected(fresh), RealFlows(bridge));
            }
            Assert.DoesNotContain(log, e => e.Kind == "refused");
            // After the first full install, an instance joining or leaving a group is one group-mod,
            // and no step sends more than the rules whose text actually changed.
            Assert.Equal([1, 1], modsPerStep.Skip(1).Take(2));
            for (int i = 1; i < 6; i++)
            {
                var (a, b) = (Texts(Step(i - 1)), Texts(Step(i)));
                Assert.InRange(modsPerStep[i], 1, a.Except(b).Count() + b.Except(a).Count());
            }
            Assert.Equal(sink.Mods, loop.Mods);
        }
        finally
        {
            Run("ovs-vsctl", "--if-exists", "del-br", bridge);
        }
    }

    private static HashSet<string> Texts(ServiceRegistry r)
    {
        var rules = MeshCompiler.Compile(r, ThesisLab.Topology(), MeshOptions.ThesisLab).For("s1");
        return [.. rules.Flows.Select(f => RuleText.FormatFlow(f.Flow)), .. rules.Groups.Select(g => RuleText.FormatGroup(g.Group))];
    }

    [SkippableFact]
    public void A_refused_bundle_leaves_the_bridge_unchanged()
    {
        StartOvsOrSkip();
        var sink = new OvsOfctlSink("s1", "no-such-bridge-x", Env);
        var full = MeshCompiler.Compile(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab).For("s1");
        var ex = Assert.Throws<SinkException>(() => sink.Apply(RuleSetDiff.Compute(new RuleSet("s1", [], []), full)));
        Assert.Contains("refused the bundle for no-such-bridge-x", ex.Message);
        Assert.Equal(0, sink.Bundles);
    }
}
