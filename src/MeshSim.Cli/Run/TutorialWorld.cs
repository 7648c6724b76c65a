using MeshSim.Cli.Scenario;
using MeshSim.Engine;
using MeshSim.P4.Simulation;
using MeshSim.Stack;

namespace MeshSim.Cli.Run;

/// <summary>Builds a P4 tutorials lab into a scenario's network: <see cref="TutorialLab.Build"/> makes the
/// switches and links; the hosts are MeshSim hosts set up as the topology's host commands say.</summary>
internal static class TutorialWorld
{
    /// <summary>Builds <paramref name="lab"/>, filling <paramref name="hosts"/> and <paramref name="switches"/>.</summary>
    /// <exception cref="ScenarioException">A program, runtime file, commands file or link is wrong (every problem is listed).</exception>
    public static void Build(TutorialLab lab, ScenarioSpec spec, Network network, Dictionary<string, Host> hosts, Dictionary<string, P4Switch> switches)
    {
        var specs = spec.Hosts.ToDictionary(h => h.Name, StringComparer.Ordinal);
        var baseDir = Path.GetDirectoryName(Path.GetFullPath(spec.SourcePath))!;
        var errors = lab.BuildChecked(network, baseDir, null, h =>
        {
            var s = specs[h.Name];
            var host = new Host(network, h.Name, new HostOptions { Cores = s.Cores });
            var iface = host.AddInterface(s.Mac, s.Ip, s.PrefixLength);
            var setup = TutorialHostCommands.Parse(h, out _)!;   // validated when the topology was loaded
            if (setup.Gateway is { } gw) host.Routes.AddDefault(iface, gw);
            foreach (var (ip, mac) in setup.StaticArp) iface.Arp.AddStatic(ip, mac);
            hosts[h.Name] = host;
            return host;
        }, out var nodes);
        if (errors.Count > 0)
        {
            // A switch that failed to load also fails every link to it; those follow-on errors only hide the cause.
            var failed = lab.Switches.Where(s => !nodes.ContainsKey(s.Name)).Select(s => $"'{s.Name}-p").ToList();
            var causes = errors.Where(e => !(e.File is null && e.Path.StartsWith("links[", StringComparison.Ordinal) && failed.Any(f => e.Message.Contains(f, StringComparison.Ordinal)))).Distinct().ToList();
            throw TutorialProblems.ToException(spec.SourcePath, causes);
        }
        foreach (var s in lab.Switches) switches[s.Name] = (P4Switch)nodes[s.Name];
    }
}
