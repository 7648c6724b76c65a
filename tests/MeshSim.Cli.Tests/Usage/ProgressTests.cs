using MeshSim.Cli.Progress;

namespace MeshSim.Cli.Tests.Usage;

/// <summary>Progress is drawn only on a terminal: anything a test or a golden file reads gets none of it.</summary>
public class ProgressTests
{
    [Fact]
    public void A_redirected_writer_gets_no_progress()
    {
        var error = new StringWriter();
        Assert.False(TerminalProgress.IsTerminal(error));
        using (var p = TerminalProgress.For(error))
        {
            Assert.False(p.Enabled);
            p.Show(1, 2, () => "half", force: true);
        }
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void A_piped_run_prints_no_progress_on_stderr()
    {
        // The run takes long enough that a terminal would have seen the line; a pipe must not.
        var (code, output, error) = CliProcess.Run("run", "--until", "5s");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.DoesNotContain('\r', output);
    }
}
