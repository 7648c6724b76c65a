using System.CommandLine;
using MeshSim.P4.Loading;

namespace MeshSim.Cli.Tests.Hostile;

/// <summary>Issue #25: hostile files reach the CLI as exit code 2 with one positioned line; an exception that
/// does escape a command is one line with exit code 3, never System.CommandLine's "Unhandled exception" trace.</summary>
public class LastResortTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = MeshSimCommand.RunAsync(args, o, e).GetAwaiter().GetResult();
        return (code, o.ToString(), e.ToString());
    }

    private static string Temp(string name, string text)
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-hostile-").FullName;
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static void AssertNoTrace(string err)
    {
        Assert.DoesNotContain("Unhandled exception", err);
        Assert.DoesNotContain("   at ", err);
    }

    [Theory]
    [InlineData("run")]
    [InlineData("compile")]
    public void A_yaml_library_failure_is_exit_2_with_a_position(string command)
    {
        var path = Temp("bad.yaml", "  - {m\n-");
        var args = command == "compile" ? new[] { "compile", path, "--out", Path.GetDirectoryName(path)! } : new[] { "run", path };
        var (code, _, err) = Run(args);
        Assert.Equal(ExitCodes.BadInput, code);
        AssertNoTrace(err);
        Assert.Matches(@"bad\.yaml:\d+:\d+: not valid YAML", err);
    }

    [Fact]
    public void A_depth_bomb_through_the_cli_is_exit_2()
    {
        var path = Temp("deep.yaml", "name: x\nhosts: " + new string('[', 50_000) + new string(']', 50_000) + "\n");
        var (code, _, err) = Run("run", path);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("(depth); raise it with --limit depth=N", err);
        Assert.Contains("limit of 100 levels (depth)", Run("run", path, "--limit", "depth=100").Err);
    }

    [Fact]
    public void A_bad_limit_flag_is_exit_2()
    {
        var (code, _, err) = Run("run", "--limit", "hosts=lots");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("--limit: expected NAME=N", err);
    }

    [Fact]
    public void P4_run_of_a_member_without_its_value_is_exit_2()
    {
        // Json.Snip threw on the absent "value" and `meshsim p4 run` printed a stack trace.
        var path = Temp("calc.json", """{"calculations":[{"name":"c","algo":"crc16","input":[{"type":"field"}]}]}""");
        var (code, _, err) = Run("p4", "run", path, "--port", "1", "--packet", "00");
        Assert.Equal(ExitCodes.BadInput, code);
        AssertNoTrace(err);
        Assert.Contains("calculations[0].input[0].value", err);
    }

    [Fact]
    public void An_escaped_exception_is_one_line_and_exit_3()
    {
        var root = new RootCommand();
        var boom = new Command("boom") { new Argument<string>("what") };
        boom.SetAction((ParseResult _, CancellationToken _) => Task.FromException<int>(new InvalidOperationException("the model reached a state it cannot be in")));
        root.Subcommands.Add(boom);
        var (o, e) = (new StringWriter(), new StringWriter());
        int code = MeshSimCommand.RunAsync(["boom", "a b"], o, e, root).GetAwaiter().GetResult();
        Assert.Equal(ExitCodes.Internal, code);
        var err = e.ToString();
        AssertNoTrace(err);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
        Assert.Equal("meshsim: internal error (InvalidOperationException: the model reached a state it cannot be in) running 'meshsim boom 'a b''; " +
                     "this is a bug in MeshSim, not in your input: please report it with this command line and its input files attached (MESHSIM_TRACE=1 prints the stack trace)\n", err);
    }
}
