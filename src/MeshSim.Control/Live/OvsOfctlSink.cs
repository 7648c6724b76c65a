using System.Diagnostics;
using MeshSim.Control.Rules;

namespace MeshSim.Control.Live;

/// <summary>
/// Pushes diffs to a real Open vSwitch bridge with <c>ovs-ofctl -O OpenFlow15 bundle BRIDGE FILE</c>:
/// one OpenFlow bundle per update, so the switch applies all of it or none of it (groups are added
/// before the flows that use them and deleted after the flows that stop using them; see
/// <see cref="RuleSetDiff.Render"/>). A refused bundle leaves the bridge as it was.
/// </summary>
/// <param name="switchName">The topology switch.</param>
/// <param name="bridge">The real bridge it maps to.</param>
/// <param name="environment">Extra environment for ovs-ofctl, e.g. OVS_RUNDIR of a private vswitchd.</param>
/// <param name="ofctl">The ovs-ofctl binary.</param>
public sealed class OvsOfctlSink(string switchName, string bridge, IReadOnlyDictionary<string, string>? environment = null, string ofctl = "ovs-ofctl") : ISwitchSink
{
    /// <inheritdoc/>
    public string Switch => switchName;

    /// <summary>Bundles sent (one per non-empty diff).</summary>
    public int Bundles { get; private set; }

    /// <summary>Flow and group modifications sent in all bundles.</summary>
    public int Mods { get; private set; }

    /// <inheritdoc/>
    public void Apply(RuleSetDiff diff)
    {
        if (diff.IsEmpty) return;
        var file = Path.Combine(Path.GetTempPath(), $"meshsim-{bridge}-{Environment.ProcessId}-{Bundles}.bundle");
        File.WriteAllText(file, diff.Render());
        try
        {
            var psi = new ProcessStartInfo(ofctl) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-O", "OpenFlow15", "bundle", bridge, file }) psi.ArgumentList.Add(a);
            foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
            using var p = Process.Start(psi) ?? throw new SinkException($"{switchName}: cannot start {ofctl}");
            var err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new SinkException($"{switchName}: {ofctl} refused the bundle for {bridge} (exit {p.ExitCode}): {err.Trim()}");
            Bundles++;
            Mods += diff.Count;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new SinkException($"{switchName}: cannot run {ofctl}: {ex.Message}", ex);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
