using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Control;

public class ControlCommandTests
{
    internal const string Pods = """
        apiVersion: v1
        kind: List
        items:
        - kind: Pod
          metadata:
            name: public-api-1
            annotations:
              meshsim.dev/consul-register: "true"
              meshsim.dev/service: public-api
              meshsim.dev/port: "20863"
              meshsim.dev/upstreams: "product-api:9341"
              k8s.v1.cni.cncf.io/network-status: '[{"name":"ovs-net","ips":["192.168.1.11"],"mac":"00:00:00:00:00:01"}]'
          spec: { nodeName: h1 }
        - kind: Pod
          metadata:
            name: product-api-1
            annotations:
              meshsim.dev/consul-register: "true"
              meshsim.dev/service: product-api
              meshsim.dev/port: "19572"
              k8s.v1.cni.cncf.io/network-status: '[{"name":"ovs-net","ips":["192.168.1.12"],"mac":"00:00:00:00:00:02"}]'
          spec: { nodeName: h2 }
        """;

    /// <summary>The thesis lab with the pods' names as its hosts.</summary>
    internal static string PodLab => File.ReadAllText(Path.Combine(ThesisLabTests.Repo, "scenarios", "thesis-lab.yaml"))
        .Replace("name: h1,", "name: public-api-1,").Replace("\"h1\"", "\"public-api-1\"").Replace("host: h1", "host: public-api-1")
        .Replace("name: h2,", "name: product-api-1,").Replace("\"h2\"", "\"product-api-1\"").Replace("host: h2", "host: product-api-1");

    [Fact]
    public void Pod_manifests_compile_against_the_scenario_topology_and_print_the_bundles()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-ctl-");
        try
        {
            // Pods attach at container level: their names are the topology's hosts.
            File.WriteAllText(Path.Combine(dir.FullName, "lab.yaml"), PodLab);
            File.WriteAllText(Path.Combine(dir.FullName, "pods.yaml"), Pods);
            var (code, output, error) = CliProcess.RunIn(dir.FullName, "control", "-s", "lab.yaml", "--k8s", "pods.yaml", "--push", "dry-run");
            Assert.True(code == 0, error + output);
            Assert.Contains("# s1: ", output);
            Assert.Contains("group add group_id=", output);
            Assert.Contains("flow add ", output);
            Assert.Matches(@"pushed\s+k8s: \d+ modification\(s\) over 2 switch\(es\)", output);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Exactly_one_source_is_required()
    {
        var (code, _, error) = CliProcess.Run("control", "--push", "dry-run");
        Assert.Equal(2, code);
        Assert.Equal("meshsim control: give exactly one source: --consul URL or --k8s FILE...; see 'meshsim control --help'\n", error);
    }
}
