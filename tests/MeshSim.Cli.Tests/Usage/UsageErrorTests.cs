using System.CommandLine;

namespace MeshSim.Cli.Tests.Usage;

/// <summary>Every usage error is exit code 2 and one line: what is wrong in plain words, a "did you mean"
/// when a known name is close, and where to read more; never the help screen, never exit code 1.</summary>
public class UsageErrorTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = MeshSimCommand.RunAsync(args, output, error).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("meshsim: unknown command 'frob'; see 'meshsim --help'", "frob")]
    [InlineData("meshsim: unknown command 'rn' (did you mean 'run'?); see 'meshsim --help'", "rn")]
    [InlineData("meshsim: unknown command 'experimnt' (did you mean 'experiment'?); see 'meshsim --help'", "experimnt", "scenarios/thesis-table4")]
    [InlineData("meshsim ofctl: unknown command 'dump-flowz' (did you mean 'dump-flows'?); see 'meshsim ofctl --help'", "ofctl", "dump-flowz", "x.flows")]
    [InlineData("meshsim lab: unknown command 'chek' (did you mean 'check'?); see 'meshsim lab --help'", "lab", "chek", "01")]
    [InlineData("meshsim run: unknown option '--sed' (did you mean '--seed'?); see 'meshsim run --help'", "run", "--sed", "1")]
    [InlineData("meshsim run: unknown option '--sed' (did you mean '--seed'?); see 'meshsim run --help'", "run", "--sed=1")]
    [InlineData("meshsim experiment: unknown option '--request' (did you mean '--requests'?); see 'meshsim experiment --help'", "experiment", "x", "--request", "5")]
    [InlineData("meshsim pingall: unknown option '--bogus'; see 'meshsim pingall --help'", "pingall", "--bogus")]
    [InlineData("meshsim run: --seed: expected a whole number, got 'abc'; see 'meshsim run --help'", "run", "--seed", "abc")]
    [InlineData("meshsim run: --seed: expected a whole number from 0 to 18446744073709551615, got '-1'; see 'meshsim run --help'", "run", "--seed", "-1")]
    [InlineData("meshsim p4 run: --port: expected a whole number, got 'abc'; see 'meshsim p4 run --help'", "p4", "run", "x.json", "--port", "abc", "--packet", "00")]
    [InlineData("meshsim experiment: --requests: expected a whole number, got '1.5'; see 'meshsim experiment --help'", "experiment", "x", "--requests", "1.5")]
    [InlineData("meshsim run: --seed: missing its value (a whole number); see 'meshsim run --help'", "run", "--seed")]
    [InlineData("meshsim run: unexpected argument 'b.yaml'; see 'meshsim run --help'", "run", "a.yaml", "b.yaml")]
    [InlineData("meshsim compile: missing required argument <scenario> and option --out; see 'meshsim compile --help'", "compile")]
    [InlineData("meshsim p4 run: missing required argument <program> and options --port, --packet; see 'meshsim p4 run --help'", "p4", "run")]
    [InlineData("meshsim curl: missing required argument <url>; see 'meshsim curl --help'", "curl", "h1")]
    [InlineData("meshsim ofctl: missing command (one of: dump-flows, dump-groups, trace); see 'meshsim ofctl --help'", "ofctl")]
    [InlineData("meshsim run: --until: expected a duration such as 2s, got '2x'; see 'meshsim run --help'", "run", "--until", "2x")]
    [InlineData("meshsim replay: --timing: expected original or fast, got 'slow'; see 'meshsim replay --help'", "replay", "x.pcap", "--into", "s1:1", "--timing", "slow")]
    public void A_usage_error_is_one_line_and_exit_code_2(string expected, params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal(expected + "\n", error);
        Assert.Equal("", output);   // no help screen, on either stream
    }

    public static TheoryData<string> EveryCommand()
    {
        var all = new TheoryData<string>();
        void Walk(Command c, string path)
        {
            foreach (var sub in c.Subcommands.Where(s => !s.Hidden))
            {
                all.Add($"{path} {sub.Name}".Trim());
                Walk(sub, $"{path} {sub.Name}");
            }
        }
        Walk(MeshSimCommand.Create(), "");
        return all;
    }

    [Theory, MemberData(nameof(EveryCommand))]
    public void Every_command_answers_an_unknown_option_with_one_line(string command)
    {
        var words = command.Split(' ');
        var (code, output, error) = Run([.. words, "--no-such-option"]);
        var path = "meshsim " + command;
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"{path}: unknown option '--no-such-option'; see '{path} --help'\n", error);
        Assert.Equal("", output);
    }

    [Theory, MemberData(nameof(EveryCommand))]
    public void Every_command_still_prints_its_help(string command)
    {
        var (code, output, error) = Run([.. command.Split(' '), "--help"]);
        Assert.Equal(0, code);
        Assert.Contains("Usage:", output);
        Assert.Equal("", error);
    }

    [Fact]
    public void Bare_meshsim_names_the_commands_in_one_line()
    {
        var (code, output, error) = Run();
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.StartsWith("meshsim: missing command (one of: run, compile, ", error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void The_real_process_exits_2_with_the_one_line_and_no_help()
    {
        var (code, output, error) = CliProcess.Run("run", "--seed", "abc");
        Assert.Equal(2, code);
        Assert.Equal("meshsim run: --seed: expected a whole number, got 'abc'; see 'meshsim run --help'\n", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void The_lab_shell_offers_the_nearest_command_too()
    {
        var (_, output, _) = Lab.LabProcess.Run("pingal\ndump-flow s1\nfrobnicate\n", "lab");
        Assert.Contains("*** error: unknown command 'pingal' (did you mean 'pingall'? type help for the list)\n", output);
        Assert.Contains("*** error: unknown command 'dump-flow' (did you mean 'dump-flows'? type help for the list)\n", output);
        Assert.Contains("*** error: unknown command 'frobnicate' (type help for the list)\n", output);
    }

    [Fact]
    public void A_missing_scenario_file_is_named_as_typed()
    {
        var (code, _, error) = Run("run", "no-such-scenario.yaml");
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal("meshsim run: no-such-scenario.yaml: no such file\n", error);
    }
}
