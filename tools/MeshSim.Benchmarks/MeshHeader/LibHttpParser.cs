using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MeshSim.Benchmarks.MeshHeader;

/// <summary>
/// P/Invoke binding to Node.js's classic http-parser 2.9 (Debian package libhttp-parser2.9), enough
/// to parse request heads. Callbacks are unmanaged function pointers to static methods, so a parse
/// allocates nothing on the managed side. Layout of <c>http_parser</c> (32 bytes on x86-64) was
/// checked against the C header: method is the byte at offset 22, http_errno the low 7 bits of byte 23.
/// </summary>
public static unsafe class LibHttpParser
{
    private const string Library = "libhttp_parser.so.2.9";

    /// <summary>The shared library's file name, for messages.</summary>
    public const string LibraryName = Library;
    private const int HttpRequest = 0;

    [StructLayout(LayoutKind.Sequential, Size = 32)]
    public struct Parser { private fixed byte _bytes[32]; }

    [StructLayout(LayoutKind.Sequential)]
    public struct Settings
    {
        public delegate* unmanaged[Cdecl]<Parser*, int> OnMessageBegin;
        public delegate* unmanaged[Cdecl]<Parser*, byte*, nuint, int> OnUrl;
        public delegate* unmanaged[Cdecl]<Parser*, byte*, nuint, int> OnStatus;
        public delegate* unmanaged[Cdecl]<Parser*, byte*, nuint, int> OnHeaderField;
        public delegate* unmanaged[Cdecl]<Parser*, byte*, nuint, int> OnHeaderValue;
        public delegate* unmanaged[Cdecl]<Parser*, int> OnHeadersComplete;
        public delegate* unmanaged[Cdecl]<Parser*, byte*, nuint, int> OnBody;
        public delegate* unmanaged[Cdecl]<Parser*, int> OnMessageComplete;
        public delegate* unmanaged[Cdecl]<Parser*, int> OnChunkHeader;
        public delegate* unmanaged[Cdecl]<Parser*, int> OnChunkComplete;
    }

    [DllImport(Library)] private static extern void http_parser_init(Parser* parser, int type);
    [DllImport(Library)] private static extern nuint http_parser_execute(Parser* parser, Settings* settings, byte* data, nuint length);
    [DllImport(Library)] private static extern byte* http_method_str(int method);

    /// <summary>True when the shared library can be loaded on this machine.</summary>
    public static bool IsAvailable => NativeLibrary.TryLoad(Library, out _);

    // Sum of the lengths reported by the callbacks of the parse in progress (single-threaded benchmark).
    private static int s_checksum;
    private static bool s_headersComplete;

    public static Settings CreateSettings() => new()
    {
        OnUrl = &OnData,
        OnHeaderField = &OnData,
        OnHeaderValue = &OnData,
        OnHeadersComplete = &OnHeadersDone,
    };

    /// <summary>Parses one request head; returns the checksum (method + url + names + values) or -1 on error.</summary>
    public static int Parse(ReadOnlySpan<byte> head, Parser* parser, Settings* settings)
    {
        // A null parser means setup did not run: never return a figure for a parse that did not happen.
        if (parser == null || settings == null) throw new InvalidOperationException("http-parser used before its setup allocated the parser");
        http_parser_init(parser, HttpRequest);
        s_checksum = 0;
        s_headersComplete = false;
        nuint consumed;
        fixed (byte* p = head) consumed = http_parser_execute(parser, settings, p, (nuint)head.Length);
        byte* raw = (byte*)parser;
        if ((raw[23] & 0x7F) != 0 || !s_headersComplete || consumed != (nuint)head.Length) return -1;
        // The method is an enum value; its token length completes the checksum like the other parsers'.
        return s_checksum + MethodLength(raw[22]);
    }

    private static int MethodLength(int method)
    {
        byte* s = http_method_str(method);
        int n = 0;
        while (s[n] != 0) n++;
        return n;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnData(Parser* parser, byte* at, nuint length)
    {
        s_checksum += (int)length;
        return 0;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnHeadersDone(Parser* parser)
    {
        s_headersComplete = true;
        return 0;
    }
}
