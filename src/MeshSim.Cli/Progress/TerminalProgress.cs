using System.Diagnostics;
using System.Text;

namespace MeshSim.Cli.Progress;

/// <summary>
/// A progress line on stderr, redrawn in place, only when stderr is a terminal: piped or redirected
/// output (scripts, tests, golden files) gets no byte of it, so what they compare stays identical.
/// Redrawn at most ten times a second, and erased when the work ends, so the terminal keeps only
/// the command's own output.
/// </summary>
public sealed class TerminalProgress : IDisposable
{
    private const int BarWidth = 24;
    private readonly TextWriter? _terminal;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDrawMs = -1000;
    private bool _drawn;

    private TerminalProgress(TextWriter? terminal) => _terminal = terminal;

    /// <summary>Progress for a command whose errors go to <paramref name="error"/>; silent unless that is the console's stderr and a terminal.</summary>
    public static TerminalProgress For(TextWriter error) => new(IsTerminal(error) ? error : null);

    /// <summary>True when <paramref name="error"/> is the process's stderr, attached to a terminal that can redraw a line.</summary>
    public static bool IsTerminal(TextWriter error) =>
        ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected
        && Environment.GetEnvironmentVariable("TERM") is not ("dumb" or "")
        && Environment.GetEnvironmentVariable("MESHSIM_NO_PROGRESS") is null;

    /// <summary>True when lines are drawn at all.</summary>
    public bool Enabled => _terminal is not null;

    /// <summary>Shows <paramref name="done"/> of <paramref name="total"/> with <paramref name="label"/>
    /// ("3/24 cells: API MN c=8 switch"); <paramref name="force"/> draws even within the redraw interval.</summary>
    public void Show(double done, double total, Func<string> label, bool force = false)
    {
        if (_terminal is null) return;
        long now = _clock.ElapsedMilliseconds;
        // Work that ends within a moment draws nothing, so quick commands do not flicker.
        if (!force && (now < 300 || now - _lastDrawMs < 100)) return;
        _lastDrawMs = now;
        double fraction = total <= 0 ? 0 : Math.Clamp(done / total, 0, 1);
        int filled = (int)Math.Round(fraction * BarWidth);
        var line = new StringBuilder("\r[").Append('#', filled).Append('.', BarWidth - filled).Append("] ")
            .Append($"{fraction * 100,3:0}% ").Append(label()).ToString();
        int width = Width();
        if (line.Length > width) line = line[..width];
        // \x1b[K clears what a longer previous line left to the right.
        _terminal.Write(line + "\x1b[K");
        _terminal.Flush();
        _drawn = true;
    }

    /// <summary>Erases the line, leaving the cursor where the command's output continues.</summary>
    public void Dispose()
    {
        if (_terminal is null || !_drawn) return;
        _terminal.Write("\r\x1b[K");
        _terminal.Flush();
        _drawn = false;
    }

    private static int Width()
    {
        try { return Console.WindowWidth > 10 ? Console.WindowWidth - 1 : 79; }
        catch (IOException) { return 79; }
    }
}
