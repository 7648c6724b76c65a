using MeshSim.Cli.Scenario;
using MeshSim.Control.Checking;
using MeshSim.Control.Compiler;
using MeshSim.Control.Rules;
using MeshSim.Control.Samples;
using MeshSim.Testing;

namespace MeshSim.Control.Tests.Checking;

public class ScenarioTextTests
{
    private static void AssertReproduces(MeshSim.Control.Registry.ServiceRegistry registry, MeshSim.Control.Topology.NetworkTopology topology, MeshOptions options)
    {
        var text = ScenarioText.Describe(registry, topology, options);
        var spec = ScenarioLoader.Load(text, "printed.yaml");
        var again = MeshCompiler.Compile(ScenarioModels.Registry(spec), ScenarioModels.Topology(spec), ScenarioModels.Options(spec));
        var original = MeshCompiler.Compile(registry, topology, options);
        Assert.Equal(original.RuleSets.Select(r => RuleText.FormatFlows(r) + RuleText.FormatGroups(r)),
                     again.RuleSets.Select(r => RuleText.FormatFlows(r) + RuleText.FormatGroups(r)));
    }

    [Fact]
    public void The_printed_thesis_lab_loads_as_a_scenario_and_compiles_to_the_same_rules() =>
        AssertReproduces(ThesisLab.Registry(), ThesisLab.Topology(), MeshOptions.ThesisLab);

    [Fact]
    public void Printed_generated_cases_reproduce_their_rules()
    {
        foreach (var c in FsCheck.Fluent.Gen.Sample(MeshGenerators.Case, 20))
        {
            var t = c.Topology();
            AssertReproduces(c.Registry(t), t, MeshCase.Options);
        }
    }
}
