using System.Text;
using MeshSim.Wire;

namespace MeshSim.Wire.Tests.Http;

/// <summary>Records every sink call as a line of text, so tests compare what the parser reported.</summary>
internal struct RecordingSink() : IHttpHeadSink
{
    public List<string> Calls { get; } = new();

    public readonly void OnRequestLine(HttpMethodKind method, ReadOnlySpan<byte> methodToken, ReadOnlySpan<byte> target, HttpVersionKind version) =>
        Calls.Add($"request {method} {Text(methodToken)} {Text(target)} {version}");

    public readonly void OnStatusLine(HttpVersionKind version, int statusCode, ReadOnlySpan<byte> reason) =>
        Calls.Add($"status {version} {statusCode} [{Text(reason)}]");

    public readonly void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        Calls.Add($"header [{Text(name)}] [{Text(value)}]");

    private static string Text(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);
}

internal static class Latin1
{
    public static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s);
}
