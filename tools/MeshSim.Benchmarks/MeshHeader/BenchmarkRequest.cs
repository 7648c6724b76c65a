using System.Text;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.MeshHeader;

/// <summary>
/// One request, in both encodings: an HTTP/1.1 head with a route and four headers, and the mesh
/// header that carries the same information (method, route, the four fields with lower-case names).
/// Every parser under test reports a checksum over what it found so that the comparison is like for
/// like (and the JIT cannot drop the work): method length + route length + name and value lengths.
/// </summary>
public static class BenchmarkRequest
{
    public static readonly byte[] Http = Encoding.ASCII.GetBytes(
        "GET /coffees/42/ingredients HTTP/1.1\r\n" +
        "Host: product-api.service.consul\r\n" +
        "User-Agent: meshsim-loadgen/1.0\r\n" +
        "Accept: application/json\r\n" +
        "X-Request-Id: 0d4f2c1e-93b7-4a51-8f0e-5b2a6c7d9e10\r\n" +
        "\r\n");

    public static readonly byte[] Mesh = MakeMesh();

    /// <summary>The checksum every parser must report: 3 (GET) + route + names + values.</summary>
    public static readonly int ExpectedChecksum = 3 + "/coffees/42/ingredients".Length
        + "Host".Length + "product-api.service.consul".Length + "User-Agent".Length + "meshsim-loadgen/1.0".Length
        + "Accept".Length + "application/json".Length + "X-Request-Id".Length + "0d4f2c1e-93b7-4a51-8f0e-5b2a6c7d9e10".Length;

    private static byte[] MakeMesh()
    {
        var buffer = new byte[512];
        var r = MeshHttpConverter.RequestToMesh(Http, MeshCarriedHeaders.All, buffer);
        if (r.Status != HttpParseStatus.Complete) throw new InvalidOperationException(r.ToString());
        return buffer[..r.MeshWritten];
    }
}
