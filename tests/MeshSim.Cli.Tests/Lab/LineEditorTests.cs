using MeshSim.Cli.Lab;

namespace MeshSim.Cli.Tests.Lab;

public class LineEditorTests
{
    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0', bool control = false) => new(c, key, false, false, control);

    private static IEnumerable<ConsoleKeyInfo> Type(string text) =>
        text.Select(c => c switch
        {
            '\t' => Key(ConsoleKey.Tab, '\t'),
            '\n' => Key(ConsoleKey.Enter, '\r'),
            _ => Key(ConsoleKey.A, c),   // the editor inserts KeyChar; the ConsoleKey does not matter for text
        });

    private static (LineEditor Editor, StringWriter Screen) Editor(IEnumerable<ConsoleKeyInfo> keys)
    {
        var queue = new Queue<ConsoleKeyInfo>(keys);
        var screen = new StringWriter();
        return (new LineEditor(() => ["dump-conntrack", "dump-flows", "dump-groups", "h1", "h2", "pingall"], queue.Dequeue, screen), screen);
    }

    [Fact]
    public void Tab_completes_a_unique_word_and_the_common_prefix_of_several()
    {
        var (editor, _) = Editor(Type("pi\t\n").Concat(Type("dump-f\ts1\n")).Concat(Type("du\t\n")));
        Assert.Equal("pingall ", editor.ReadLine("> "));
        Assert.Equal("dump-flows s1", editor.ReadLine("> "));
        Assert.Equal("dump-", editor.ReadLine("> "));
    }

    [Fact]
    public void A_second_tab_lists_the_choices()
    {
        var (editor, screen) = Editor(Type("dump-\t\t\n"));
        editor.ReadLine("> ");
        Assert.Contains("dump-conntrack  dump-flows  dump-groups", screen.ToString());
    }

    [Fact]
    public void Up_arrow_recalls_history_and_editing_keys_work()
    {
        var keys = Type("h1 ping 10.0.0.2\n")
            .Append(Key(ConsoleKey.UpArrow))
            .Append(Key(ConsoleKey.Backspace))
            .Concat(Type("3"))
            .Append(Key(ConsoleKey.Home)).Append(Key(ConsoleKey.Delete)).Concat(Type("x"))
            .Concat(Type("\n"))
            .Append(Key(ConsoleKey.D, '\u0004', control: true));
        var (editor, _) = Editor(keys);
        Assert.Equal("h1 ping 10.0.0.2", editor.ReadLine("> "));
        Assert.Equal("x1 ping 10.0.0.3", editor.ReadLine("> "));
        Assert.Null(editor.ReadLine("> "));   // Ctrl+D on an empty line ends input
    }
}
