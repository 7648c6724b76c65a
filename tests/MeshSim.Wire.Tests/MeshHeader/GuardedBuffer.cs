using System.Runtime.InteropServices;

namespace MeshSim.Wire.Tests.MeshHeader;

/// <summary>
/// Memory whose last readable byte is followed by an unreadable page (Linux mmap + mprotect). Input
/// placed with <see cref="Place"/> ends exactly at the page boundary, so a parser that reads even one
/// byte past its span crashes the test process instead of passing quietly.
/// </summary>
internal sealed unsafe class GuardedBuffer : IDisposable
{
    private const int ProtNone = 0, ProtRead = 1, ProtWrite = 2, MapPrivate = 0x02, MapAnonymous = 0x20;
    private readonly byte* _base;
    private readonly int _page;

    [DllImport("libc", SetLastError = true)] private static extern IntPtr mmap(IntPtr addr, nuint length, int prot, int flags, int fd, nint offset);
    [DllImport("libc", SetLastError = true)] private static extern int mprotect(IntPtr addr, nuint length, int prot);
    [DllImport("libc", SetLastError = true)] private static extern int munmap(IntPtr addr, nuint length);

    public GuardedBuffer()
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException("guard pages need Linux mmap");
        _page = Environment.SystemPageSize;
        var p = mmap(IntPtr.Zero, (nuint)(2 * _page), ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (p == new IntPtr(-1)) throw new InvalidOperationException($"mmap failed: errno {Marshal.GetLastPInvokeError()}");
        _base = (byte*)p;
        if (mprotect(p + _page, (nuint)_page, ProtNone) != 0) throw new InvalidOperationException($"mprotect failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Copies <paramref name="data"/> so that its last byte is the last readable byte.</summary>
    public ReadOnlySpan<byte> Place(ReadOnlySpan<byte> data)
    {
        if (data.Length > _page) data = data[.._page];
        var target = new Span<byte>(_base + _page - data.Length, data.Length);
        data.CopyTo(target);
        return target;
    }

    public void Dispose() => munmap((IntPtr)_base, (nuint)(2 * _page));
}
