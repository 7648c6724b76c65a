using MeshSim.P4.Loading;
using MeshSim.P4.Programs;

namespace MeshSim.P4.Tests.Programs;

/// <summary>p4/mesh.json is the builder's output, byte for byte. Regenerate with MESHSIM_UPDATE_GOLDEN=1.</summary>
public class EmittedJsonTests
{
    private static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MeshSim.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return Path.Combine(dir!.FullName, relative);
    }

    [Fact]
    public void Mesh_json_in_the_repo_matches_the_builder_and_loads()
    {
        var path = RepoFile("p4/mesh.json");
        var expected = MeshProgram.Json();
        if (Environment.GetEnvironmentVariable("MESHSIM_UPDATE_GOLDEN") == "1") File.WriteAllText(path, expected);
        Assert.Equal(expected, File.ReadAllText(path));
        var r = P4Loader.LoadFile(path);
        Assert.True(r.Success, string.Join("\n", r.Errors));
        Assert.True(File.Exists(RepoFile("p4/mesh.p4")), "the P4_16 source belongs beside the JSON");
    }

    [Fact]
    public void Builder_output_is_deterministic() => Assert.Equal(MeshProgram.Json(), MeshProgram.Json());
}
