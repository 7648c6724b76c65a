using MeshSim.Cli.Scenario;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Tests.Cli;

namespace MeshSim.Control.Tests.RealOvs;

/// <summary>
/// The repository's scenarios/thesis-lab.yaml, compiled by <c>meshsim compile</c> into files, and
/// those files loaded unchanged into a real OVS lab: the rules a user gets from the command work.
/// </summary>
public sealed class ScenarioLabFixture : IDisposable
{
    public string OutDir { get; } = Directory.CreateTempSubdirectory("mse2f-rules-").FullName;
    public ServiceRegistry Registry { get; }
    public CompileResult Compiled { get; }
    internal NamespaceLab Lab { get; }

    public ScenarioLabFixture()
    {
        var path = Path.Combine(Shell.RepoRoot(), "scenarios", "thesis-lab.yaml");
        var (code, _, err) = CompileCommandTests.Run("compile", path, "--out", OutDir);
        if (code != 0) throw new InvalidOperationException("meshsim compile failed: " + err);
        var spec = ScenarioLoader.LoadFile(path);
        Registry = ScenarioModels.Registry(spec);
        var topology = ScenarioModels.Topology(spec);
        Compiled = MeshCompiler.Compile(Registry, topology, ScenarioModels.Options(spec)); // for pair metadata only
        Lab = NamespaceLab.Start(topology, "mse2f-", lab =>
        {
            lab.LoadFiles(OutDir);
            lab.ServeAll(Registry);
        });
    }

    public void Dispose()
    {
        Lab.Dispose();
        Directory.Delete(OutDir, recursive: true);
    }
}

[Collection("real-ovs")]
public sealed class ScenarioOnRealOvsTests(ScenarioLabFixture f) : IClassFixture<ScenarioLabFixture>
{
    [Fact]
    public void Rules_from_meshsim_compile_serve_every_allowed_pair_and_refuse_the_denied_one()
    {
        var vip = f.Compiled.Pairs.Count > 0 ? "192.168.1.250" : throw new InvalidOperationException("no pairs");
        foreach (var p in f.Compiled.Pairs)
        {
            var before = f.Lab.PacketsWithCookie(p.Host.Switch, p.Cookie);
            var (code, body) = f.Lab.Curl(p.Host.Name, $"http://{vip}:{p.Port}/", timeoutSeconds: p.Allowed ? 3 : 2);
            if (p.Allowed)
                Assert.True(code == 200 && f.Registry.Find(p.Destination)!.Instances.Any(i => i.Id == body), $"{p}: HTTP {code} '{body}'");
            else
                Assert.True(code == 0, $"{p}: denied pair got HTTP {code}");
            Assert.True(f.Lab.PacketsWithCookie(p.Host.Switch, p.Cookie) > before, $"{p}: the pair flow's counter did not move");
        }
        Assert.Contains(f.Compiled.Pairs, p => !p.Allowed);
    }
}
