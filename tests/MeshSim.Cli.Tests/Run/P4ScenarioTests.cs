using MeshSim.Cli.Tests.Lab;

namespace MeshSim.Cli.Tests.Run;

/// <summary>P4 switches in scenarios: the mesh program with the controller's entries, a program with its own
/// commands, and a P4 tutorials lab (topology.json) run from the command line.</summary>
public class P4ScenarioTests
{
    private const string BasicLab = "scenarios/p4-tutorial-basic/topology.json";

    [Fact]
    public void The_example_lab_program_is_what_the_builder_writes()
    {
        var path = Path.Combine(ThesisLabTests.Repo, "scenarios/p4-tutorial-basic/build/basic.json");
        var expected = OwnP4Programs.Basic();
        if (Environment.GetEnvironmentVariable("MESHSIM_UPDATE_DOCS") == "1") File.WriteAllText(path, expected);
        Assert.True(File.Exists(path) && File.ReadAllText(path) == expected,
            "scenarios/p4-tutorial-basic/build/basic.json is out of date: run the tests with MESHSIM_UPDATE_DOCS=1");
    }
}
