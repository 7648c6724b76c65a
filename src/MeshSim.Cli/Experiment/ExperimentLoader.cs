using System.Globalization;
using MeshSim.Cli.Scenario;
using MeshSim.Stack.Apps.Sidecar;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeshSim.Cli.Experiment;

/// <summary>
/// Reads an experiment file (<c>experiment.yaml</c>) and the scenario files it names. A directory
/// stands for its <c>experiment.yaml</c>. Errors name file:line:column and what was expected.
/// </summary>
public static class ExperimentLoader
{
    /// <summary>The file looked for when a directory is given.</summary>
    public const string DefaultFileName = "experiment.yaml";

    /// <summary>Loads <paramref name="path"/> (a file, or a directory holding <see cref="DefaultFileName"/>).</summary>
    /// <exception cref="ScenarioException">The file or a scenario it names is invalid.</exception>
    public static ExperimentSpec LoadPath(string path)
    {
        var file = Directory.Exists(path) ? Path.Combine(path, DefaultFileName) : path;
        if (!File.Exists(file)) throw new FileNotFoundException($"experiment file '{file}' does not exist", file);
        return Load(File.ReadAllText(file), file);
    }

    /// <summary>Binds experiment YAML; scenario paths are relative to <paramref name="file"/>'s directory.</summary>
    public static ExperimentSpec Load(string yaml, string file)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException ex)
        {
            throw new ScenarioException(file, new Position((int)ex.Start.Line, (int)ex.Start.Column, ""), $"not valid YAML: {ex.InnerException?.Message ?? ex.Message}");
        }
        if (stream.Documents.Count != 1) throw new ScenarioException(file, new Position(1, 1, ""), $"expected exactly one YAML document, found {stream.Documents.Count}");
        var root = new YamlNodeReader(file, stream.Documents[0].RootNode, "").Mapping("an experiment mapping (name, layouts, tests, meshes, ...)");
        var dir = Path.GetDirectoryName(Path.GetFullPath(file))!;

        var name = root.Required("name", "the experiment's name").Text("a name");
        ulong seed = root.Optional("seed") is { } s ? ULong(s) : 1UL;
        int requests = root.Optional("requests") is { } r ? PositiveInt(r) : 1000;
        var concurrency = root.Optional("concurrency") is { } c ? c.Sequence("a list of concurrency levels").Select(PositiveInt).ToList() : [1, 8, 100, 200];
        if (concurrency.Count == 0) throw root.Self.Error("concurrency: expected at least one level");

        var layouts = new List<LayoutSpec>();
        foreach (var (key, value) in root.Required("layouts", "layout name -> scenario file, e.g. SN: sn.yaml").Mapping("layout name -> scenario file").Entries())
        {
            var scenarioPath = Path.Combine(dir, value.Text("a scenario file path"));
            if (!File.Exists(scenarioPath)) throw value.Error($"scenario file '{scenarioPath}' does not exist");
            layouts.Add(new LayoutSpec(key, ScenarioLoader.LoadFile(scenarioPath)));
        }
        if (layouts.Count == 0) throw root.Self.Error("layouts: expected at least one layout");

        var tests = root.Required("tests", "the load tests (name, from, upstream, path)").Sequence("a list of tests").Select(BindTest).ToList();
        if (tests.Count == 0) throw root.Self.Error("tests: expected at least one test");
        foreach (var t in tests)
            foreach (var l in layouts)
            {
                var from = l.Scenario.Services.FirstOrDefault(x => x.Name == t.From)
                    ?? throw new ScenarioException(file, t.At, $"test '{t.Name}': layout {l.Name} ({l.Scenario.SourcePath}) has no service '{t.From}'");
                if (!from.Upstreams.ContainsKey(t.Upstream))
                    throw new ScenarioException(file, t.At, $"test '{t.Name}': service '{t.From}' in layout {l.Name} has no upstream '{t.Upstream}' (it has: {string.Join(", ", from.Upstreams.Keys.Order(StringComparer.Ordinal))})");
            }

        var meshes = root.Required("meshes", "the sidecar and switch mesh parameters").Mapping("a mapping with sidecar and switch");
        var sidecar = BindSidecar(meshes.Required("sidecar", "the sidecar mesh's parameters").Mapping(), dir);
        var sw = BindSwitch(meshes.Required("switch", "the switch mesh's parameters").Mapping());
        meshes.Finish();
        root.Finish();
        return new ExperimentSpec(name, seed, requests, concurrency, layouts, tests, sidecar, sw, file);
    }

    private static LoadTestSpec BindTest(YamlNodeReader n)
    {
        var m = n.Mapping("a test (name, from, upstream, path)");
        var t = new LoadTestSpec(
            m.Required("name", "the test's name, e.g. Frontend").Text("a name"),
            m.Required("from", "the service fortio runs beside").Text("a service name"),
            m.Required("upstream", "the upstream of 'from' to load").Text("a service name"),
            m.Optional("path")?.Text("a path") ?? "/",
            n.At);
        if (!t.Path.StartsWith('/')) throw n.Error($"path must start with '/', got \"{t.Path}\"");
        m.Finish();
        return t;
    }

    private static SidecarMeshSpec BindSidecar(MappingReader m, string dir)
    {
        var preset = m.Optional("preset") is { } p ? Preset(p) : SidecarCosts.Istio110;
        var costs = preset with
        {
            PerRequestCpuNs = m.Optional("per_request_cpu") is { } a ? Duration(a) : preset.PerRequestCpuNs,
            PerByteCpuNs = m.Optional("per_byte_cpu") is { } b ? NonNegativeDouble(b, "nanoseconds per byte, e.g. 1.0") : preset.PerByteCpuNs,
            PerRequestWaitNs = m.Optional("per_request_wait") is { } w ? Duration(w) : preset.PerRequestWaitNs,
            LoopbackLatencyNs = m.Optional("loopback_latency") is { } l ? Duration(l) : preset.LoopbackLatencyNs,
        };
        var fabricNode = m.Required("fabric", "an ovs-ofctl flows file for the plain L2 network the nodes sit on");
        var fabric = Path.Combine(dir, fabricNode.Text("a flows file path"));
        if (!File.Exists(fabric)) throw fabricNode.Error($"fabric flows file '{fabric}' does not exist");
        ushort first = 21000;
        if (m.Optional("first_inbound_port") is { } f)
            first = ushort.TryParse(f.Text("a port"), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port > 0 ? port : throw f.Error($"expected a port 1..65535, got \"{f.Text("a port")}\"");
        long perPacket = m.Optional("per_packet") is { } pp ? Duration(pp) : 0;
        m.Finish();
        return new SidecarMeshSpec(costs, fabric, first, perPacket);
    }

    private static SwitchMeshSpec BindSwitch(MappingReader m)
    {
        long perPacket = m.Optional("per_packet") is { } pp ? Duration(pp) : 0;
        m.Finish();
        return new SwitchMeshSpec(perPacket);
    }

    private static SidecarCosts Preset(YamlNodeReader n) => n.Text("a preset name") switch
    {
        "istio-1.10" => SidecarCosts.Istio110,
        "istio-1.24" => SidecarCosts.Istio124,
        var other => throw n.Error($"unknown preset \"{other}\" (expected istio-1.10 or istio-1.24)"),
    };

    private static long Duration(YamlNodeReader n)
    {
        var text = n.Text("a duration");
        return ScalarValues.TryDuration(text, out var ns) && ns >= 0 ? ns : throw n.Error($"expected a duration such as \"350us\", got \"{text}\"");
    }

    private static double NonNegativeDouble(YamlNodeReader n, string expected)
    {
        var text = n.Text(expected);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v) ? v : throw n.Error($"expected {expected}, got \"{text}\"");
    }

    private static int PositiveInt(YamlNodeReader n)
    {
        var text = n.Text("a positive integer");
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : throw n.Error($"expected a positive integer, got \"{text}\"");
    }

    private static ulong ULong(YamlNodeReader n)
    {
        var text = n.Text("an integer seed");
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : throw n.Error($"expected a non-negative integer seed, got \"{text}\"");
    }
}
