using MeshSim.Control.Sources.Kubernetes;
using MeshSim.Wire;

namespace MeshSim.Control.Tests.Sources;

public class PodManifestReaderTests
{
    // Shaped like `kubectl get pods -o yaml`, with the thesis' annotations on one pod and ours on another.
    private const string Pods = """
        apiVersion: v1
        kind: List
        items:
        - apiVersion: v1
          kind: Pod
          metadata:
            name: public-api-7d9f
            namespace: default
            labels: { app: public-api }
            annotations:
              ovs.servicemesh.arkadiuss.dev/consul-register: "true"
              ovs.servicemesh.arkadiuss.dev/upstreams: "product-api:9341, payments-api:9340"
              ovs.servicemesh.arkadiuss.dev/ovs-cni-network-name: ovs-net
              k8s.v1.cni.cncf.io/network-status: '[{"name":"cbr0","interface":"eth0","ips":["10.244.0.7"],"mac":"aa:aa:aa:aa:aa:aa","default":true},{"name":"default/ovs-net","interface":"net1","ips":["192.168.1.11"],"mac":"00:00:00:00:00:01"}]'
          spec:
            nodeName: node-1
            containers:
            - name: api
              ports: [ { containerPort: 20863 } ]
        - apiVersion: v1
          kind: Pod
          metadata:
            name: product-api-55c1
            annotations:
              meshsim.dev/consul-register: "true"
              meshsim.dev/service: product-api
              meshsim.dev/port: "19572"
              meshsim.dev/ovs-cni-network-name: ovs-net
              k8s.v1.cni.cncf.io/network-status: '[{"name":"ovs-net","ips":["192.168.1.12"],"mac":"00:00:00:00:00:02"}]'
          spec: { nodeName: node-2 }
        - apiVersion: v1
          kind: Pod
          metadata: { name: not-in-mesh, annotations: { other: x } }
          spec: { nodeName: node-1 }
        """;

    [Fact]
    public void Reads_mesh_pods_with_either_annotation_prefix()
    {
        var r = PodManifestReader.Read(Pods, "pods.yaml");
        Assert.Empty(r.Errors);
        Assert.Equal(["product-api-55c1", "public-api-7d9f"], r.Pods.Select(p => p.Name));
        var api = r.Pods.Single(p => p.Service == "public-api");
        Assert.Equal(Ipv4Address.Parse("192.168.1.11"), api.Ip);        // the mesh network, not the default one
        Assert.Equal(MacAddress.Parse("00:00:00:00:00:01"), api.Mac);
        Assert.Equal((ushort)20863, api.Port);
        Assert.Equal("node-1", api.Node);
        Assert.Equal(new Dictionary<string, ushort> { ["payments-api"] = 9340, ["product-api"] = 9341 }, api.Upstreams);
        var product = r.Pods.Single(p => p.Service == "product-api");
        Assert.Equal((ushort)19572, product.Port);
        Assert.Empty(product.Upstreams);
    }

    [Fact]
    public void A_bad_pod_is_reported_with_its_position_and_the_others_still_load()
    {
        var r = PodManifestReader.Read(Pods.Replace("product-api:9341", "product-api:93x1"), "pods.yaml");
        Assert.Equal(["product-api-55c1"], r.Pods.Select(p => p.Name));
        var error = Assert.Single(r.Errors);
        Assert.StartsWith("pods.yaml:11:7: pod default/public-api-7d9f: upstreams: port of product-api: expected a port number 1-65535, got \"93x1\"", error);
    }

    [Theory]
    [InlineData("\"ips\":[\"192.168.1.12\"],", "", "has no IPv4 address")]
    [InlineData("[{\"name\":\"ovs-net\"", "[{\"name\":\"other\"", "lists no network named 'ovs-net'")]
    [InlineData("'[{\"name\":\"ovs-net\",", "'[{\"name\":\"ovs-net\" ", "network-status is not valid JSON")]
    public void Network_status_problems_are_explained(string find, string replace, string expected)
    {
        var r = PodManifestReader.Read(Pods.Replace(find, replace), "pods.yaml");
        Assert.Contains(r.Errors, e => e.Contains("product-api-55c1") && e.Contains(expected));
    }

    [Fact]
    public void Broken_yaml_is_one_positioned_error()
    {
        var r = PodManifestReader.Read("kind: List\nitems: [ {", "x.yaml");
        Assert.Empty(r.Pods);
        Assert.StartsWith("x.yaml:", Assert.Single(r.Errors));
    }
}
