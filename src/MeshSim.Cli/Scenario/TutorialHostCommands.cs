using MeshSim.P4.Simulation;
using MeshSim.Wire;

namespace MeshSim.Cli.Scenario;

/// <summary>
/// The shell commands a P4 tutorials topology.json runs in its hosts, as settings MeshSim's hosts
/// understand: <c>route add default gw IP [dev eth0]</c> (the default route) and
/// <c>arp [-i eth0] -s IP MAC</c> (a static neighbour, how tutorials avoid ARP through a P4
/// switch that does not answer it). Anything else is refused by name rather than silently skipped,
/// since a skipped command would make the lab behave differently from Mininet.
/// </summary>
public sealed record TutorialHostCommands(Ipv4Address? Gateway, IReadOnlyList<(Ipv4Address Ip, MacAddress Mac)> StaticArp)
{
    /// <summary>Reads <paramref name="host"/>'s commands; the error names the command's index and text.</summary>
    public static TutorialHostCommands? Parse(LabHost host, out string? error)
    {
        error = null;
        Ipv4Address? gateway = null;
        var arp = new List<(Ipv4Address, MacAddress)>();
        for (int i = 0; i < host.Commands.Count; i++)
        {
            var words = host.Commands[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var where = $"hosts.{host.Name}.commands[{i}]";
            if (words is ["route", "add", "default", "gw", var gw, ..] && Ipv4Address.TryParse(gw, out var g))
                gateway = g;
            else if (words.Length >= 1 && words[0] == "arp" && TryStaticArp(words, out var ip, out var mac))
                arp.Add((ip, mac));
            else
            {
                error = $"{where}: \"{host.Commands[i]}\" is not a command MeshSim runs in a host (expected `route add default gw IP dev eth0` or `arp -i eth0 -s IP MAC`)";
                return null;
            }
        }
        return new TutorialHostCommands(gateway, arp);
    }

    private static bool TryStaticArp(string[] words, out Ipv4Address ip, out MacAddress mac)
    {
        ip = default; mac = default;
        int s = Array.IndexOf(words, "-s");
        return s > 0 && s + 2 < words.Length && Ipv4Address.TryParse(words[s + 1], out ip) && MacAddress.TryParse(words[s + 2], out mac);
    }
}
