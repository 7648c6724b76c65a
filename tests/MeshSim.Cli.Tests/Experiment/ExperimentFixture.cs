namespace MeshSim.Cli.Tests.Experiment;

/// <summary>Paths into the repository and small experiment files built on scenarios/thesis-table4.</summary>
internal static class ExperimentFixture
{
    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MeshSim.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("MeshSim.sln not found above the test binaries");
        }
    }

    public static string Table4Dir => Path.Combine(RepoRoot, "scenarios", "thesis-table4");

    /// <summary>Writes an experiment file into a fresh temp directory; {T4} is replaced by the table 4 directory.</summary>
    public static string Write(string yaml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "meshsim-exp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "experiment.yaml");
        File.WriteAllText(file, yaml.Replace("{T4}", Table4Dir.Replace('\\', '/')));
        return file;
    }

    /// <summary>A small grid: both tests, one layout, c=1, a few requests.</summary>
    public static string Small(string layout = "SN", string concurrency = "[1]", int requests = 20) => Write($$"""
        name: small
        seed: 7
        requests: {{requests}}
        concurrency: {{concurrency}}
        layouts: { {{layout}}: "{T4}/{{layout.ToLowerInvariant()}}.yaml" }
        tests:
          - { name: Frontend, from: fortio, upstream: frontend, path: / }
          - { name: API, from: fortio, upstream: frontend, path: /api }
        meshes:
          sidecar: { fabric: "{T4}/l2-normal.flows" }
          switch: { per_packet: 2us }
        """);
}
