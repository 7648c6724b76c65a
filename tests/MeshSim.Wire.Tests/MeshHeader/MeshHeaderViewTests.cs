using System.Text;
using MeshSim.Wire;

namespace MeshSim.Wire.Tests.MeshHeader;

public class MeshHeaderViewTests
{
    public static TheoryData<int> VectorIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < MeshHeaderVectors.All.Length; i++) data.Add(i);
        return data;
    }

    private static byte[] Hex(string hex) => Convert.FromHexString(hex);

    [Theory, MemberData(nameof(VectorIndexes))]
    public void Emit_reproduces_the_pinned_vector(int i)
    {
        var (name, repr, hex) = MeshHeaderVectors.All[i];
        var buffer = Enumerable.Repeat((byte)0xA5, repr.BufferLength + 8).ToArray(); // junk exposes unwritten bytes
        Assert.True(repr.TryEmit(buffer, out int written, out var error), $"{name}: {error}");
        Assert.Equal(repr.BufferLength, written);
        Assert.Equal(hex, Convert.ToHexString(buffer, 0, written).ToLowerInvariant());
        Assert.Equal(0xA5, buffer[written]);
    }

    [Theory, MemberData(nameof(VectorIndexes))]
    public void Parse_of_the_pinned_vector_gives_the_repr(int i)
    {
        var (name, repr, hex) = MeshHeaderVectors.All[i];
        var bytes = Hex(hex).Concat("GET / HTTP/1.1\r\n"u8.ToArray()).ToArray(); // HTTP bytes follow on the wire
        Assert.True(MeshHeaderView.TryParseStrict(bytes, out var view, out var error), $"{name}: {error}");
        Assert.Equal(hex.Length / 2, view.TotalLength);
        Assert.Equal(repr, MeshHeaderRepr.Parse(view));
    }

    [Theory, MemberData(nameof(VectorIndexes))]
    public void Every_truncation_is_a_truncated_error(int i)
    {
        var bytes = Hex(MeshHeaderVectors.All[i].Hex);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(MeshHeaderView.TryParse(bytes.AsSpan(0, length), out _, out var error));
            Assert.Equal(WireErrorKind.Truncated, error.Kind);
            Assert.Equal(length < MeshHeaderFormat.FixedLength ? MeshHeaderFormat.FixedLength : bytes.Length, error.Need);
            Assert.Equal(length, error.Have);
        }
    }

    [Fact]
    public void The_spec_lists_every_vector()
    {
        string? doc = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && doc is null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "docs", "mesh-header.md");
            if (File.Exists(candidate)) doc = candidate;
        }
        Assert.NotNull(doc);
        // The doc prints hex as space-separated byte pairs, 32 per line.
        var docHex = string.Concat(File.ReadAllText(doc!).Where(char.IsAsciiHexDigit));
        foreach (var (name, _, hex) in MeshHeaderVectors.All)
            Assert.True(docHex.Contains(hex), $"docs/mesh-header.md does not list vector '{name}'");
    }

    [Fact]
    public void Accessors_read_the_thesis_request()
    {
        var bytes = Hex(MeshHeaderVectors.All[0].Hex);
        Assert.True(MeshHeaderView.TryParse(bytes, out var v, out _));
        Assert.Equal(MeshMessageType.Request, v.Type);
        Assert.Equal(HttpMethodKind.Get, v.Method);
        Assert.Equal("GET"u8.ToArray(), v.MethodToken.ToArray());
        Assert.Equal(0, v.StatusCode);
        Assert.Equal("/api/list", Encoding.ASCII.GetString(v.Route));
        Assert.Equal(3, v.HeaderCount);
        Assert.True(v.TryGetHeader("accept"u8, out var accept));
        Assert.Equal("application/json", Encoding.ASCII.GetString(accept));
        Assert.False(v.TryGetHeader("Accept"u8, out _)); // labels are compared byte for byte: lower case on the wire
        Assert.Equal("mesh v2 request GET /api/list 3 headers (88 bytes)", v.ToString());
    }

    [Theory]
    [InlineData("GET")] [InlineData("HEAD")] [InlineData("POST")] [InlineData("PUT")] [InlineData("DELETE")]
    [InlineData("CONNECT")] [InlineData("OPTIONS")] [InlineData("TRACE")] [InlineData("PATCH")]
    public void Method_token_of_every_standard_code_matches_the_http_table(string method)
    {
        var bytes = MeshHeaderRepr.Request(method, "/x").ToBytes();
        Assert.True(MeshHeaderView.TryParse(bytes, out var v, out _));
        Assert.NotEqual(HttpMethodKind.Extension, v.Method);
        Assert.Equal(HttpMethods.Token(v.Method).ToArray(), v.MethodToken.ToArray());
        Assert.Equal(method, Encoding.ASCII.GetString(v.MethodToken));
    }

    [Fact]
    public void Fields_are_found_from_the_table_without_reading_labels_or_values()
    {
        // Overwrite every label and value byte of a structurally valid header: the structural parse and
        // the field positions do not change, because all lengths sit in the table before the route.
        var bytes = Hex(MeshHeaderVectors.All[^1].Hex);
        Assert.True(MeshHeaderView.TryParse(bytes, out var v, out _));
        var before = new List<(int, int, int, int)>();
        foreach (var f in v.Headers) before.Add((f.EntryOffset, f.LabelOffset, f.Label.Length, f.Value.Length));
        int dataStart = v.RouteOffset + v.Route.Length;
        Array.Fill(bytes, (byte)0xFF, dataStart, bytes.Length - dataStart);
        Assert.True(MeshHeaderView.TryParse(bytes, out v, out _));
        var after = new List<(int, int, int, int)>();
        foreach (var f in v.Headers) after.Add((f.EntryOffset, f.LabelOffset, f.Label.Length, f.Value.Length));
        Assert.Equal(before, after);
        Assert.Equal([(10, 45, 4, 26), (13, 75, 10, 19), (16, 104, 6, 16), (19, 126, 12, 36)], after);   // labels start at 10 + 12 + 23 (route)
    }

    [Fact]
    public void Extension_method_travels_as_the_first_pseudo_header()
    {
        var bytes = Hex(MeshHeaderVectors.All[7].Hex);
        Assert.True(MeshHeaderView.TryParseStrict(bytes, out var v, out _));
        Assert.Equal(HttpMethodKind.Extension, v.Method);
        Assert.Equal("PURGE", Encoding.ASCII.GetString(v.MethodToken));
        var e = v.Headers;
        Assert.True(e.MoveNext());
        Assert.Equal(":method", Encoding.ASCII.GetString(e.Current.Label));
        Assert.True(e.MoveNext());
        Assert.Equal("host", Encoding.ASCII.GetString(e.Current.Label));
        Assert.False(e.MoveNext());
    }

    /// <summary>Each case changes one byte of a valid vector; the error must name the field at that byte.</summary>
    [Theory]
    [InlineData(0, 0, 0x4E, WireErrorKind.BadField, 0, "mesh.magic")]
    [InlineData(0, 2, 0x01, WireErrorKind.Unsupported, 2, "mesh.version")]  // version 1 is no longer read
    [InlineData(0, 2, 0x03, WireErrorKind.Unsupported, 2, "mesh.version")]
    [InlineData(0, 3, 33, WireErrorKind.BadField, 3, "mesh.header_count")]
    [InlineData(0, 3, 2, WireErrorKind.BadField, 4, "mesh.total_length")]    // fewer headers than bytes
    [InlineData(0, 3, 4, WireErrorKind.BadField, 16, "mesh.header")]        // one entry more: the third field now runs past total length
    [InlineData(0, 3, 27, WireErrorKind.BadField, 3, "mesh.header_count")] // table runs past total length
    [InlineData(0, 4, 0x40, WireErrorKind.BadField, 4, "mesh.total_length")] // 16472 > 8192
    [InlineData(0, 5, 0x05, WireErrorKind.BadField, 4, "mesh.total_length")] // < fixed part
    [InlineData(0, 7, 0x01, WireErrorKind.BadField, 7, "mesh.reserved")]
    [InlineData(0, 7, 0x02, WireErrorKind.BadField, 6, "mesh.status")]       // request with a status
    [InlineData(0, 6, 0x00, WireErrorKind.BadField, 6, "mesh.method")]       // request without method
    [InlineData(0, 6, 0x50, WireErrorKind.Unsupported, 6, "mesh.method")]    // method 10
    [InlineData(0, 9, 0x00, WireErrorKind.BadField, 8, "mesh.route_length")]
    [InlineData(0, 8, 0x08, WireErrorKind.BadField, 8, "mesh.route_length")] // > 2048
    [InlineData(0, 10, 0x00, WireErrorKind.BadField, 10, "mesh.label_length")]
    [InlineData(0, 13, 0x41, WireErrorKind.BadField, 13, "mesh.label_length")] // 65 > 64 (second entry)
    [InlineData(0, 11, 0x04, WireErrorKind.BadField, 11, "mesh.value_length")] // 1038 > 1024
    [InlineData(0, 12, 0x40, WireErrorKind.BadField, 10, "mesh.header")]      // value runs past total length
    [InlineData(0, 18, 0x0F, WireErrorKind.BadField, 4, "mesh.total_length")] // lengths sum to one byte less than total
    [InlineData(3, 6, 0x89, WireErrorKind.BadField, 6, "mesh.method")]        // response with a method
    [InlineData(3, 9, 0x01, WireErrorKind.BadField, 8, "mesh.route_length")]  // response with a route
    [InlineData(3, 6, 0x80, WireErrorKind.BadField, 6, "mesh.status")]        // status 0
    [InlineData(7, 28, 0x6E, WireErrorKind.BadField, 27, "mesh.extension_method")] // ":method" -> ":nethod"
    public void Corrupted_fields_are_named_with_their_offset(int vector, int index, byte value, WireErrorKind kind, int offset, string field)
    {
        var bytes = Hex(MeshHeaderVectors.All[vector].Hex);
        bytes[index] = value;
        Assert.False(MeshHeaderView.TryParse(bytes.Concat(new byte[20000]).ToArray(), out _, out var error));
        Assert.Equal((kind, offset, field), (error.Kind, error.Offset, error.Field));
    }

    [Fact]
    public void Extension_method_without_headers_is_invalid()
    {
        byte[] bytes = [0x4d, 0x48, 0x02, 0x00, 0x00, 0x0b, 0x78, 0x00, 0x00, 0x01, 0x2f];
        Assert.False(MeshHeaderView.TryParse(bytes, out _, out var error));
        Assert.Equal("mesh.extension_method", error.Field);
    }

    [Theory]
    [InlineData(0, 28, (byte)'H', "mesh.label", 28)]    // "host" -> "Host": not canonical
    [InlineData(0, 34, (byte)'\r', "mesh.value", 32)]    // CR in a value
    [InlineData(0, 32, (byte)' ', "mesh.value", 32)]     // leading space in a value
    [InlineData(0, 22, (byte)' ', "mesh.route", 22)]     // space in the route
    [InlineData(7, 35, (byte)'(', "mesh.extension_method", 34)] // "PURGE" -> "P(RGE": not a token
    public void Strict_parse_rejects_non_canonical_bytes_that_structure_allows(int vector, int index, byte value, string field, int offset)
    {
        var bytes = Hex(MeshHeaderVectors.All[vector].Hex);
        bytes[index] = value;
        Assert.True(MeshHeaderView.TryParse(bytes, out _, out _));
        Assert.False(MeshHeaderView.TryParseStrict(bytes, out _, out var error));
        Assert.Equal((field, offset), (error.Field, error.Offset));
    }

    [Fact]
    public void Error_text_names_field_and_offset()
    {
        var bytes = Hex(MeshHeaderVectors.All[0].Hex);
        Assert.False(MeshHeaderView.TryParse(bytes.AsSpan(0, 40), out _, out var error));
        Assert.Equal("truncated at byte 0 (mesh.total_length): need 88 bytes, have 40", error.ToString());
    }

    [Fact]
    public void Parse_and_walk_allocate_nothing()
    {
        var bytes = Hex(MeshHeaderVectors.All[^1].Hex);
        int Walk()
        {
            int sum = 0;
            if (!MeshHeaderView.TryParseStrict(bytes, out var v, out _)) return -1;
            sum += v.Route.Length;
            foreach (var f in v.Headers) sum += f.Label.Length + f.Value.Length;
            return sum;
        }
        int expected = Walk();
        bool same = true;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) same &= Walk() == expected;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(same);
        Assert.True(expected > 0);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Writer_allocates_nothing_and_refuses_what_the_format_forbids()
    {
        var buffer = new byte[256];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var w = new MeshHeaderWriter(buffer);
        w.Request("GET"u8, "/a"u8);
        w.Header("Host"u8, "x"u8);
        Assert.True(w.Finish(out int n));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(MeshHeaderView.TryParseStrict(buffer.AsSpan(0, n), out var v, out _));
        Assert.True(v.TryGetHeader("host"u8, out _)); // lower-cased on the way

        w = new MeshHeaderWriter(buffer);
        w.Request("GET"u8, "/a"u8);
        Assert.False(w.Header("X"u8, "a\r\nb"u8));
        Assert.Equal("mesh.value", w.Error.Field);
        Assert.False(w.Finish(out _));

        w = new MeshHeaderWriter(buffer);
        Assert.False(w.Response(42));
        Assert.Equal("mesh.status", w.Error.Field);

        w = new MeshHeaderWriter(buffer.AsSpan(0, 12));
        Assert.False(w.Request("GET"u8, "/abc"u8));
        Assert.Equal(WireErrorKind.Truncated, w.Error.Kind);

        w = new MeshHeaderWriter(buffer);
        w.Response(200);
        for (int i = 0; i < MeshHeaderFormat.MaxHeaderCount; i++) Assert.True(w.Header("a"u8, ""u8));
        Assert.False(w.Header("a"u8, ""u8));
        Assert.Equal("mesh.header_count", w.Error.Field);
    }

    [Fact]
    public void Repr_refuses_a_route_over_the_limit()
    {
        var repr = MeshHeaderRepr.Request("GET", "/" + new string('a', MeshHeaderFormat.MaxRouteLength));
        Assert.False(repr.TryEmit(new byte[4096], out _, out var error));
        Assert.Equal("mesh.route", error.Field);
    }
}
