namespace MeshSim.Cli.Tests.Lab;

public class TreeScenarioTests
{
    [Fact]
    public void Pingall_on_the_nine_host_tree_reaches_everyone()
    {
        var (code, output, error) = CliProcess.Run("pingall", "-s", "scenarios/tree-9.yaml");
        Assert.True(code == 0, error);
        Assert.Contains("h9 -> h1 h2 h3 h4 h5 h6 h7 h8\n", output);
        Assert.EndsWith("*** Results: 0% dropped (72/72 received)\n", output);
    }
}
