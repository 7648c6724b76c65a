using MeshSim.Cli.Lab;
using MeshSim.Cli.Tests.Run;

namespace MeshSim.Cli.Tests.Lab;

public class LabCheckTests
{
    public static TheoryData<string> Exercises => new(LabExercises.All.Select(e => e.Name));

    private static string Labs => Path.Combine(ThesisLabTests.Repo, "scenarios", "labs");

    [Theory, MemberData(nameof(Exercises))]
    public void Every_solution_passes_its_check(string exercise)
    {
        var result = LabChecker.Check(LabChecker.Resolve(exercise), Path.Combine(Labs, "solutions", exercise));
        Assert.True(result.Solved, result.Text);
        Assert.EndsWith("*** solved: every check passed\n", result.Text);
    }

    [Theory, MemberData(nameof(Exercises))]
    public void Every_starting_point_fails_with_numbered_plain_words(string exercise)
    {
        var result = LabChecker.Check(LabChecker.Resolve(exercise), Path.Combine(Labs, exercise));
        Assert.False(result.Solved, result.Text);
        Assert.Contains("*** not solved yet", result.Text);
        Assert.Contains("\n  1. ", result.Text);
    }

    [Fact]
    public void Every_exercise_has_a_readme_and_a_lab_file()
    {
        foreach (var e in LabExercises.All)
        {
            Assert.True(File.Exists(Path.Combine(Labs, e.Name, "README.md")), e.Name);
            Assert.True(File.Exists(Path.Combine(Labs, e.Name, "lab.yaml")), e.Name);
            Assert.True(File.Exists(Path.Combine(Labs, "solutions", e.Name, "lab.yaml")), e.Name);
        }
    }

    [Fact]
    public void A_bucket_that_puts_ct_next_to_an_output_fails_as_on_a_real_switch_and_says_why()
    {
        // The thesis' listing-2 shape: on OVS 3.1 the bucket is an action set, output:2 wins, the ct never runs.
        var dir = Directory.CreateTempSubdirectory("meshsim-lab-");
        try
        {
            foreach (var f in Directory.GetFiles(Path.Combine(Labs, "solutions", "02-select-group")))
                File.Copy(f, Path.Combine(dir.FullName, Path.GetFileName(f)));
            File.WriteAllText(Path.Combine(dir.FullName, "s1.groups"),
                "group_id=1,type=select,bucket=weight:1,actions=ct(commit,zone=1,nat(dst=192.168.1.12:5000)),output:2," +
                "bucket=weight:1,actions=ct(commit,zone=1,nat(dst=192.168.1.13:5000)),output:2\n");
            var result = LabChecker.Check(LabChecker.Resolve("02-select-group"), dir.FullName);
            Assert.False(result.Solved, result.Text);
            Assert.Contains("group 1, bucket 0: OVS runs a bucket's actions as an action set", result.Text);
            Assert.Contains("so ct(commit,zone=1,nat(dst=192.168.1.12:5000)) never runs (what runs: output:2)", result.Text);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void Deleting_the_expectations_does_not_pass_the_check()
    {
        var dir = Directory.CreateTempSubdirectory("meshsim-lab-");
        try
        {
            foreach (var f in Directory.GetFiles(Path.Combine(Labs, "01-nat-by-hand"))) File.Copy(f, Path.Combine(dir.FullName, Path.GetFileName(f)));
            var yaml = Path.Combine(dir.FullName, "lab.yaml");
            var text = File.ReadAllText(yaml);
            File.WriteAllText(yaml, text[..text.IndexOf("expect:", StringComparison.Ordinal)]);
            var result = LabChecker.Check(LabChecker.Resolve("1"), dir.FullName);
            Assert.False(result.Solved);
            Assert.Contains("s1 needs a flow that sends client's SYN through ct(commit,nat(dst=192.168.1.12:5000))", result.Text);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Check_as_a_user_runs_it_exit_codes()
    {
        var solved = CliProcess.Run("lab", "check", "04-same-host", "--dir", "scenarios/labs/solutions/04-same-host");
        Assert.True(solved.Code == 0, solved.Out + solved.Err);
        Assert.Contains("solved", solved.Out);

        var open = CliProcess.Run("lab", "check", "4");
        Assert.Equal(1, open.Code);
        Assert.Contains("frontend (H1) still cannot reach public-api (also H1)", open.Out);

        var unknown = CliProcess.Run("lab", "check", "99-nope");
        Assert.Equal(2, unknown.Code);
        Assert.Contains("meshsim lab check: no exercise '99-nope' (exercises: 01-nat-by-hand, 02-select-group", unknown.Err);

        var dir = Directory.CreateTempSubdirectory("meshsim-lab-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "lab.yaml"), "name: broken\nhosts:\n  - { name: h1, ip: 192.168.1.300/24 }\n");
            var broken = CliProcess.Run("lab", "check", "1", "--dir", dir.FullName);
            Assert.Equal(2, broken.Code);
            Assert.Contains("lab.yaml:3:", broken.Err);
        }
        finally { dir.Delete(true); }

        var list = CliProcess.Run("lab", "list");
        Assert.Equal(0, list.Code);
        Assert.Equal(LabExercises.All.Count, list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
