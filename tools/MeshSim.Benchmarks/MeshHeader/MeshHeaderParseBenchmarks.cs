using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using BenchmarkDotNet.Attributes;
using Kestrel = Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http;
using MeshSim.Wire;

namespace MeshSim.Benchmarks.MeshHeader;

/// <summary>
/// How fast can a receiver get method, route and four headers out of a request? The mesh header
/// (structural and strict parse) against HTTP/1.1 head parsers: MeshSim's span parser, Kestrel's
/// production parser (ASP.NET Core's HttpParser, the framework's own), Node's C http-parser via
/// P/Invoke, and a naive string/Split/Dictionary parse. Copies of the same bytes give the memory
/// bandwidth bound. Every method returns the same checksum (checked in GlobalSetup).
/// Run: dotnet run -c Release --project tools/MeshSim.Benchmarks -- --filter '*MeshHeaderParse*' --job short
/// </summary>
[MemoryDiagnoser, MinColumn, MedianColumn]
public unsafe class MeshHeaderParseBenchmarks
{
    private readonly byte[] _http = BenchmarkRequest.Http;
    private readonly byte[] _mesh = BenchmarkRequest.Mesh;
    private readonly byte[] _copyTarget = new byte[1024];
    private readonly Kestrel.HttpParser<KestrelHandler> _kestrel = new(showErrorDetails: false);
    private readonly KestrelHandler _kestrelHandler = new(new ChecksumBox());
    private LibHttpParser.Parser* _nativeParser;
    private LibHttpParser.Settings* _nativeSettings;

    /// <summary>Checks that every managed parser finds the same checksum before any is timed.</summary>
    [GlobalSetup(Targets = [nameof(MeshHeaderStructural), nameof(MeshHeaderParseOnly), nameof(MeshHeaderRouteAndHost), nameof(MeshHeaderStrict),
                            nameof(HttpSpanParser), nameof(HttpKestrelParser), nameof(HttpNaiveStrings), nameof(CopyHttpBytes), nameof(CopyMeshBytes)])]
    public void Setup()
    {
        int expected = BenchmarkRequest.ExpectedChecksum;
        Check(nameof(MeshHeaderStructural), MeshHeaderStructural(), expected);
        Check(nameof(MeshHeaderStrict), MeshHeaderStrict(), expected);
        Check(nameof(HttpSpanParser), HttpSpanParser(), expected);
        Check(nameof(HttpKestrelParser), HttpKestrelParser(), expected);
        Check(nameof(HttpNaiveStrings), HttpNaiveStrings(), expected);
    }

    /// <summary>The Node row's own setup: without the native library it fails, so BenchmarkDotNet reports the
    /// row as failed (NA, with this message) instead of timing a method that did no parsing.</summary>
    [GlobalSetup(Target = nameof(HttpNodeHttpParser))]
    public void SetupNodeHttpParser()
    {
        if (!LibHttpParser.IsAvailable)
        {
            var message = $"HTTP head: Node http-parser 2.9: {LibHttpParser.LibraryName} cannot be loaded (apt-get install libhttp-parser2.9); this row is not measured";
            Console.Error.WriteLine("*** " + message);
            throw new InvalidOperationException(message);
        }
        _nativeParser = (LibHttpParser.Parser*)NativeMemory.AllocZeroed((nuint)sizeof(LibHttpParser.Parser));
        _nativeSettings = (LibHttpParser.Settings*)NativeMemory.AllocZeroed((nuint)sizeof(LibHttpParser.Settings));
        *_nativeSettings = LibHttpParser.CreateSettings();
        Check(nameof(HttpNodeHttpParser), HttpNodeHttpParser(), BenchmarkRequest.ExpectedChecksum);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.Free(_nativeParser);
        NativeMemory.Free(_nativeSettings);
    }

    private static void Check(string name, int actual, int expected)
    {
        if (actual != expected) throw new InvalidOperationException($"{name} found checksum {actual}, expected {expected}");
    }

    [Benchmark(Baseline = true, Description = "mesh header: structural parse + read all")]
    public int MeshHeaderStructural()
    {
        if (!MeshHeaderView.TryParse(_mesh, out var v, out _)) return -1;
        int sum = v.MethodToken.Length + v.Route.Length;
        foreach (var f in v.Headers) sum += f.Label.Length + f.Value.Length;
        return sum;
    }

    [Benchmark(Description = "mesh header: structural parse only")]
    public int MeshHeaderParseOnly() => MeshHeaderView.TryParse(_mesh, out var v, out _) ? v.TotalLength : -1;

    [Benchmark(Description = "mesh header: parse + route + host (switch use)")]
    public int MeshHeaderRouteAndHost() =>
        MeshHeaderView.TryParse(_mesh, out var v, out _) && v.TryGetHeader("host"u8, out var host) ? v.Route.Length + host.Length : -1;

    [Benchmark(Description = "mesh header: strict parse + read all")]
    public int MeshHeaderStrict()
    {
        if (!MeshHeaderView.TryParseStrict(_mesh, out var v, out _)) return -1;
        int sum = v.MethodToken.Length + v.Route.Length;
        foreach (var f in v.Headers) sum += f.Label.Length + f.Value.Length;
        return sum;
    }

    [Benchmark(Description = "HTTP head: MeshSim span parser")]
    public int HttpSpanParser()
    {
        var sink = new ChecksumSink();
        var r = HttpHeadParser.ParseRequest(_http, ref sink);
        return r.Status == HttpParseStatus.Complete ? sink.Sum : -1;
    }

    [Benchmark(Description = "HTTP head: Kestrel HttpParser")]
    public int HttpKestrelParser()
    {
        _kestrelHandler.Box.Sum = 0;
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(_http));
        if (!_kestrel.ParseRequestLine(_kestrelHandler, ref reader)) return -1;
        if (!_kestrel.ParseHeaders(_kestrelHandler, ref reader)) return -1;
        return _kestrelHandler.Box.Sum;
    }

    [Benchmark(Description = "HTTP head: Node http-parser 2.9 (P/Invoke)")]
    public int HttpNodeHttpParser() => LibHttpParser.Parse(_http, _nativeParser, _nativeSettings);

    [Benchmark(Description = "HTTP head: string/Split/Dictionary")]
    public int HttpNaiveStrings()
    {
        var text = Encoding.ASCII.GetString(_http);
        var lines = text.Split("\r\n");
        var start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 1; i < lines.Length && lines[i].Length > 0; i++)
        {
            int colon = lines[i].IndexOf(':');
            headers[lines[i][..colon]] = lines[i][(colon + 1)..].Trim();
        }
        int sum = start[0].Length + start[1].Length;
        foreach (var h in headers) sum += h.Key.Length + h.Value.Length;
        return sum;
    }

    [Benchmark(Description = "copy: mesh header bytes")]
    public int CopyMeshBytes()
    {
        _mesh.AsSpan().CopyTo(_copyTarget);
        return _copyTarget[_mesh.Length - 1];
    }

    [Benchmark(Description = "copy: HTTP head bytes")]
    public int CopyHttpBytes()
    {
        _http.AsSpan().CopyTo(_copyTarget);
        return _copyTarget[_http.Length - 1];
    }

    private struct ChecksumSink : IHttpHeadSink
    {
        public int Sum;
        public void OnRequestLine(HttpMethodKind method, ReadOnlySpan<byte> methodToken, ReadOnlySpan<byte> target, HttpVersionKind version) =>
            Sum += methodToken.Length + target.Length;
        public void OnStatusLine(HttpVersionKind version, int statusCode, ReadOnlySpan<byte> reason) { }
        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Sum += name.Length + value.Length;
    }

    private sealed class ChecksumBox { public int Sum; }

    /// <summary>Kestrel's handler as a struct (devirtualised calls, as in Kestrel's own benchmark); the box keeps the sum.</summary>
    private readonly struct KestrelHandler(ChecksumBox box) : Kestrel.IHttpRequestLineHandler, Kestrel.IHttpHeadersHandler
    {
        public ChecksumBox Box { get; } = box;
        public void OnStartLine(Kestrel.HttpVersionAndMethod versionAndMethod, Kestrel.TargetOffsetPathLength targetPath, Span<byte> startLine) =>
            Box.Sum += versionAndMethod.MethodEnd + targetPath.Length;
        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Box.Sum += name.Length + value.Length;
        public void OnHeadersComplete(bool endStream) { }
        public void OnStaticIndexedHeader(int index) { }
        public void OnStaticIndexedHeader(int index, ReadOnlySpan<byte> value) { }
    }
}
