using System.CommandLine;
using MeshSim.Cli.Scenario;
using MeshSim.Control.Compiler;
using MeshSim.Control.Registry;
using MeshSim.Control.Rules;

namespace MeshSim.Cli.Commands.Compile;

/// <summary>
/// <c>meshsim compile SCENARIO --out DIR</c>: compiles the scenario's registry, topology and policy
/// into one <c>SWITCH.flows</c> (ovs-ofctl replace-flows input) and one <c>SWITCH.groups</c>
/// (add-groups input) per switch, plus <c>report.txt</c>. Exit codes: 0 written, 2 bad input.
/// </summary>
public static class CompileCommand
{
    /// <summary>Builds the <c>compile</c> command.</summary>
    public static Command Create()
    {
        var scenario = new Argument<FileInfo>("scenario") { Description = "scenario YAML file" };
        var output = new Option<DirectoryInfo>("--out") { Description = "directory for the rule files and report (created if missing)", Required = true };
        var cmd = new Command("compile", "Compile a scenario's registry and topology into OpenFlow rule files, one pair per switch") { scenario, output };
        cmd.SetAction((ParseResult p, CancellationToken ct) =>
        {
            var outw = p.InvocationConfiguration.Output;
            var errw = p.InvocationConfiguration.Error;
            try
            {
                var spec = ScenarioLoader.LoadFile(p.GetValue(scenario)!.FullName, LimitOption.Read(p));
                var options = ScenarioModels.Options(spec);
                var result = MeshCompiler.Compile(ScenarioModels.Registry(spec), ScenarioModels.Topology(spec), options);
                var dir = p.GetValue(output)!;
                dir.Create();
                foreach (var rs in result.RuleSets)
                {
                    File.WriteAllText(Path.Combine(dir.FullName, rs.Switch + ".flows"), RuleText.FormatFlows(rs));
                    File.WriteAllText(Path.Combine(dir.FullName, rs.Switch + ".groups"), RuleText.FormatGroups(rs));
                }
                var report = CompileReport.Text(result, options);
                File.WriteAllText(Path.Combine(dir.FullName, "report.txt"), report);
                outw.Write(report);
                return Task.FromResult(0);
            }
            catch (Exception e) when (CommandErrors.IsBadInput(e)) { return Task.FromResult(CommandErrors.Report(errw, "compile", e)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { errw.WriteLine($"meshsim compile: {e.Message}"); }
            return Task.FromResult(ExitCodes.BadInput);
        });
        return cmd;
    }
}
