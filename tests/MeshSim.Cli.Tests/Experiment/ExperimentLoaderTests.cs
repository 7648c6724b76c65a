using MeshSim.Cli.Experiment;
using MeshSim.Cli.Scenario;

namespace MeshSim.Cli.Tests.Experiment;

public class ExperimentLoaderTests
{
    [Fact]
    public void The_table4_experiment_loads_with_the_thesis_grid()
    {
        var spec = ExperimentLoader.LoadPath(ExperimentFixture.Table4Dir);
        Assert.Equal([1, 8, 100, 200], spec.Concurrency);
        Assert.Equal(["SN", "MN"], spec.Layouts.Select(l => l.Name));
        Assert.Equal(["Frontend", "API"], spec.Tests.Select(t => t.Name));
        Assert.Equal(1000, spec.Requests);
    }

    [Theory]
    [InlineData("per_request_cpu: fast", "expected a duration")]
    [InlineData("preset: istio-9", "unknown preset")]
    [InlineData("per_reqest_cpu: 1ms", "did you mean 'per_request_cpu'")]
    public void Bad_sidecar_parameters_name_the_line_and_the_expectation(string line, string message)
    {
        var file = ExperimentFixture.Write($$"""
            name: bad
            layouts: { SN: "{T4}/sn.yaml" }
            tests: [ { name: API, from: fortio, upstream: frontend, path: /api } ]
            meshes:
              sidecar:
                fabric: "{T4}/l2-normal.flows"
                {{line}}
              switch: {}
            """);
        var e = Assert.Throws<ScenarioException>(() => ExperimentLoader.LoadPath(file));
        Assert.Contains(message, e.Message);
        Assert.Equal(7, e.At.Line);
    }

    [Fact]
    public void A_test_naming_a_missing_upstream_is_rejected_with_the_known_ones()
    {
        var file = ExperimentFixture.Write("""
            name: bad
            layouts: { SN: "{T4}/sn.yaml" }
            tests: [ { name: API, from: fortio, upstream: postgres } ]
            meshes: { sidecar: { fabric: "{T4}/l2-normal.flows" }, switch: {} }
            """);
        var e = Assert.Throws<ScenarioException>(() => ExperimentLoader.LoadPath(file));
        Assert.Contains("has no upstream 'postgres' (it has: frontend)", e.Message);
    }

    [Fact]
    public void A_missing_experiment_is_exit_code_2()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = MeshSimCommand.RunAsync(["experiment", Path.Combine(Path.GetTempPath(), "no-such-experiment-dir")], output, error).GetAwaiter().GetResult();
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("does not exist", error.ToString());
    }
}
