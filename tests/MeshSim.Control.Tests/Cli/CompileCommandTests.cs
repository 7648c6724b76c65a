using System.CommandLine;
using MeshSim.Cli.Commands.Compile;
using MeshSim.Control.Rules;
using MeshSim.Control.Tests.RealOvs;

namespace MeshSim.Control.Tests.Cli;

public class CompileCommandTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var root = new RootCommand { CompileCommand.Create() };
        var code = root.Parse(args).Invoke(new InvocationConfiguration { Output = o, Error = e });
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Compiles_the_thesis_lab_scenario_into_files_that_parse_back()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-compile-").FullName;
        try
        {
            var (code, stdout, stderr) = Run("compile", Path.Combine(Shell.RepoRoot(), "scenarios", "thesis-lab.yaml"), "--out", dir);
            Assert.True(code == 0, stderr);
            Assert.Contains("pairs (cookie:", stdout);
            Assert.Equal(stdout, File.ReadAllText(Path.Combine(dir, "report.txt")));
            var switches = Directory.GetFiles(dir, "*.flows").Select(Path.GetFileNameWithoutExtension).Order().ToArray();
            Assert.NotEmpty(switches);
            foreach (var sw in switches)
            {
                var flows = File.ReadAllText(Path.Combine(dir, sw + ".flows"));
                var groups = File.ReadAllText(Path.Combine(dir, sw + ".groups"));
                var back = RuleTextParser.Parse(sw!, flows, groups);
                Assert.Equal(flows, RuleText.FormatFlows(back));
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void A_missing_scenario_is_bad_input()
    {
        var (code, _, stderr) = Run("compile", "/nonexistent/lab.yaml", "--out", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.StartsWith("meshsim compile: ", stderr);
    }
}
