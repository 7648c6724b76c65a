using MeshSim.Wire;

namespace MeshSim.Wire.Tests.MeshHeader;

/// <summary>
/// The test vectors of docs/mesh-header.md: each repr with the hex its emitter produced when the
/// format was fixed. The hex is pinned: a change here is a wire-format change and needs a new version (these are version 2; version 1 is no longer accepted).
/// </summary>
public static class MeshHeaderVectors
{
    private static KeyValuePair<string, string> H(string label, string value) => new(label, value);

    public static readonly (string Name, MeshHeaderRepr Repr, string Hex)[] All =
    [
        ("thesis request (listing 4)",
            MeshHeaderRepr.Request("GET", "/api/list", H("host", "localhost:8080"), H("connection", "keep-alive"), H("accept", "application/json")),
            "4d48020300580800000904000e0a000a0600102f6170692f6c697374686f73746c6f63616c686f73743a38303830636f6e6e656374696f6e6b6565702d616c6976656163636570746170706c69636174696f6e2f6a736f6e"),
        ("thesis response (listing 5)",
            MeshHeaderRepr.Response(200, H("host", "localhost:8080"), H("connection", "keep-alive"), H("content-type", "application/json"), H("content-length", "722")),
            "4d48020400698190000004000e0a000a0c00100e0003686f73746c6f63616c686f73743a38303830636f6e6e656374696f6e6b6565702d616c697665636f6e74656e742d747970656170706c69636174696f6e2f6a736f6e636f6e74656e742d6c656e677468373232"),
        ("smallest request",
            MeshHeaderRepr.Request("GET", "/"),
            "4d480200000b080000012f"),
        ("smallest response",
            MeshHeaderRepr.Response(204),
            "4d480200000a81980000"),
        ("POST with a body",
            MeshHeaderRepr.Request("POST", "/orders", H("content-type", "application/json"), H("content-length", "27")),
            "4d4802020043180000070c00100e00022f6f7264657273636f6e74656e742d747970656170706c69636174696f6e2f6a736f6e636f6e74656e742d6c656e6774683237"),
        ("DELETE with a query",
            MeshHeaderRepr.Request("DELETE", "/carts/42?force=1", H("x-request-id", "7f3a")),
            "4d480201002e280000110c00042f63617274732f34323f666f7263653d31782d726571756573742d696437663361"),
        ("PATCH",
            MeshHeaderRepr.Request("PATCH", "/coffees/3", H("content-length", "0")),
            "4d48020100264800000a0e00012f636f66666565732f33636f6e74656e742d6c656e67746830"),
        ("extension method",
            MeshHeaderRepr.Request("PURGE", "/cache/menu", H("host", "cache")),
            "4d48020200307800000b0700050400052f63616368652f6d656e753a6d6574686f645055524745686f73746361636865"),
        ("OPTIONS asterisk",
            MeshHeaderRepr.Request("OPTIONS", "*"),
            "4d480200000b380000012a"),
        ("404 with request id",
            MeshHeaderRepr.Response(404, H("x-request-id", "7f3a"), H("content-length", "0")),
            "4d480202002f832800000c00040e0001782d726571756573742d696437663361636f6e74656e742d6c656e67746830"),
        ("503 with retry-after",
            MeshHeaderRepr.Response(503, H("retry-after", "5")),
            "4d480201001983ee00000b000172657472792d616674657235"),
        ("benchmark request (route and 4 headers)",
            MeshHeaderRepr.Request("GET", "/coffees/42/ingredients", H("host", "product-api.service.consul"), H("user-agent", "meshsim-loadgen/1.0"),
                H("accept", "application/json"), H("x-request-id", "0d4f2c1e-93b7-4a51-8f0e-5b2a6c7d9e10")),
            "4d48020400ae0800001704001a0a00130600100c00242f636f66666565732f34322f696e6772656469656e7473686f737470726f647563742d6170692e736572766963652e636f6e73756c757365722d6167656e746d65736873696d2d6c6f616467656e2f312e306163636570746170706c69636174696f6e2f6a736f6e782d726571756573742d696430643466326331652d393362372d346135312d386630652d356232613663376439653130"),
    ];
}
