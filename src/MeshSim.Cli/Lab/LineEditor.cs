using System.Text;

namespace MeshSim.Cli.Lab;

/// <summary>
/// A small terminal line editor on <see cref="Console.ReadKey(bool)"/>: left/right, home/end,
/// backspace/delete, up/down through history, Tab completes the word under the cursor (a second
/// Tab lists the choices when several match), Ctrl+D on an empty line ends input. Used only when
/// stdin is a terminal (keys from <see cref="Console.ReadKey(bool)"/>); scripts go through plain line
/// reading. Keys and the screen are parameters so tests can type.
/// </summary>
public sealed class LineEditor(Func<IEnumerable<string>> words, Func<ConsoleKeyInfo> readKey, TextWriter terminal)
{
    private readonly List<string> _history = [];

    /// <summary>Reads one line after printing <paramref name="prompt"/>; null at end of input.</summary>
    public string? ReadLine(string prompt)
    {
        terminal.Write(prompt);
        var line = new StringBuilder();
        int cursor = 0, historyIndex = _history.Count;
        bool lastWasTab = false;
        while (true)
        {
            var key = readKey();
            bool tab = key.Key == ConsoleKey.Tab;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    terminal.WriteLine();
                    var text = line.ToString();
                    if (text.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != text)) _history.Add(text);
                    return text;
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0: cursor--; break;
                case ConsoleKey.RightArrow when cursor < line.Length: cursor++; break;
                case ConsoleKey.Home: cursor = 0; break;
                case ConsoleKey.End: cursor = line.Length; break;
                case ConsoleKey.UpArrow when historyIndex > 0:
                    line.Clear().Append(_history[--historyIndex]); cursor = line.Length; break;
                case ConsoleKey.DownArrow when historyIndex < _history.Count:
                    historyIndex++;
                    line.Clear().Append(historyIndex < _history.Count ? _history[historyIndex] : ""); cursor = line.Length; break;
                case ConsoleKey.Tab:
                    cursor = Complete(line, cursor, prompt, listChoices: lastWasTab);
                    break;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && line.Length == 0:
                    terminal.WriteLine();
                    return null;
                default:
                    if (!char.IsControl(key.KeyChar)) line.Insert(cursor++, key.KeyChar);
                    break;
            }
            lastWasTab = tab;
            Redraw(prompt, line, cursor);
        }
    }

    private int Complete(StringBuilder line, int cursor, string prompt, bool listChoices)
    {
        int start = cursor;
        while (start > 0 && line[start - 1] != ' ') start--;
        var prefix = line.ToString(start, cursor - start);
        var matches = words().Where(w => w.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (matches.Count == 0) return cursor;
        var common = matches.Aggregate((a, b) => a[..CommonLength(a, b)]);
        var insert = common[prefix.Length..] + (matches.Count == 1 ? " " : "");
        line.Insert(cursor, insert);
        if (matches.Count > 1 && listChoices)
        {
            terminal.WriteLine();
            terminal.WriteLine(string.Join("  ", matches));
            terminal.Write(prompt);
        }
        return cursor + insert.Length;
    }

    private static int CommonLength(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }

    private void Redraw(string prompt, StringBuilder line, int cursor)
    {
        // Carriage return, reprint, clear what a shorter line left behind, put the cursor back.
        terminal.Write("\r" + prompt + line + "\u001b[K");
        int back = line.Length - cursor;
        if (back > 0) terminal.Write($"\u001b[{back}D");
    }
}
