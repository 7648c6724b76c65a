using MeshSim.Cli.Commands.Lab;
using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Lab;

public class CliReferenceTests
{
    [Fact]
    public void Docs_cli_md_matches_the_command_tree()
    {
        var path = Path.Combine(ThesisLabTests.Repo, "docs", "cli.md");
        var expected = CliReference.Markdown(MeshSimCommand.Create());
        if (Environment.GetEnvironmentVariable("MESHSIM_UPDATE_DOCS") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path), "docs/cli.md is missing: run the tests with MESHSIM_UPDATE_DOCS=1");
        Assert.True(File.ReadAllText(path) == expected, "docs/cli.md is out of date: run `MESHSIM_UPDATE_DOCS=1 dotnet test tests/MeshSim.Cli.Tests --filter CliReference`");
    }

    [Fact]
    public void The_reference_names_every_command_with_its_options()
    {
        var md = CliReference.Markdown(MeshSimCommand.Create());
        foreach (var c in new[] { "## meshsim run", "## meshsim lab", "## meshsim lab check", "## meshsim pingall", "## meshsim dump-flows", "## meshsim compile" })
            Assert.Contains(c + "\n", md);
        Assert.Contains("| `--dir <dir>` |", md);
    }
}
