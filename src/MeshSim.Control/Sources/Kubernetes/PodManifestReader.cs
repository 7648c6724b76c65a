using System.Globalization;
using System.Text.Json;
using MeshSim.Wire;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeshSim.Control.Sources.Kubernetes;

/// <summary>
/// Reads pods as <c>kubectl get pods -o yaml</c> prints them (a List with items, a single Pod, or
/// several documents) and returns the ones annotated to join the mesh. Pods not in the mesh are
/// skipped; a mesh pod with a bad annotation is reported with file:line:column and skipped, so one
/// bad pod never hides the good ones.
/// </summary>
public static class PodManifestReader
{
    /// <summary>The result: mesh pods in (namespace, name) order, and one message per rejected pod.</summary>
    public sealed record Result(IReadOnlyList<MeshPod> Pods, IReadOnlyList<string> Errors);

    /// <summary>Reads manifests from text; <paramref name="file"/> names it in messages.</summary>
    public static Result Read(string yaml, string file)
    {
        var pods = new List<MeshPod>();
        var errors = new List<string>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            return new Result([], [$"{file}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML: {ex.InnerException?.Message ?? ex.Message}"]);
        }
        foreach (var doc in stream.Documents)
        {
            if (doc.RootNode is not YamlMappingNode root) continue;
            var kind = Scalar(root, "kind");
            if (kind == "List" || kind == "PodList")
            {
                if (Child(root, "items") is YamlSequenceNode items)
                    foreach (var item in items.Children.OfType<YamlMappingNode>()) ReadPod(item, file, pods, errors);
            }
            else if (kind == "Pod") ReadPod(root, file, pods, errors);
        }
        return new Result(pods.OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList(), errors);
    }

    private static void ReadPod(YamlMappingNode pod, string file, List<MeshPod> pods, List<string> errors)
    {
        var metadata = Child(pod, "metadata") as YamlMappingNode;
        var name = metadata is null ? null : Scalar(metadata, "name");
        var ns = (metadata is null ? null : Scalar(metadata, "namespace")) ?? "default";
        var annotations = StringMap(metadata is null ? null : Child(metadata, "annotations"));
        if (MeshAnnotations.Get(annotations, MeshAnnotations.Register) != "true") return;

        string Where(YamlNode node) => $"{file}:{node.Start.Line}:{node.Start.Column}: pod {ns}/{name ?? "?"}";
        var annotationsNode = Child(metadata!, "annotations")!;
        try
        {
            if (name is null) throw new FormatException("metadata.name is missing");
            var labels = StringMap(Child(metadata!, "labels"));
            var service = MeshAnnotations.Get(annotations, MeshAnnotations.Service) ?? labels.GetValueOrDefault("app") ?? name;
            var spec = Child(pod, "spec") as YamlMappingNode;
            var node = (spec is null ? null : Scalar(spec, "nodeName")) ?? throw new FormatException("spec.nodeName is missing (the pod is not scheduled yet)");
            var port = ParsePort(MeshAnnotations.Get(annotations, MeshAnnotations.Port) ?? FirstContainerPort(spec)
                                 ?? throw new FormatException("no port: set the port annotation or a containerPort"), "port");
            var network = MeshAnnotations.Get(annotations, MeshAnnotations.NetworkName);
            var (ip, mac) = NetworkStatus(annotations, network);
            var upstreams = ParseUpstreams(MeshAnnotations.Get(annotations, MeshAnnotations.Upstreams));
            pods.Add(new MeshPod(ns, name, service, node, ip, mac, port, upstreams, network, $"{file}:{pod.Start.Line}:{pod.Start.Column}"));
        }
        catch (FormatException ex)
        {
            errors.Add($"{Where(annotationsNode)}: {ex.Message}");
        }
    }

    /// <summary>Parses "product-api:9341,payments-api:9340" (spaces allowed around items).</summary>
    public static IReadOnlyDictionary<string, ushort> ParseUpstreams(string? text)
    {
        var result = new SortedDictionary<string, ushort>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var raw in text.Split(','))
        {
            var item = raw.Trim();
            var colon = item.LastIndexOf(':');
            if (colon <= 0) throw new FormatException($"upstreams: expected name:port, got \"{item}\"");
            var service = item[..colon];
            if (!result.TryAdd(service, ParsePort(item[(colon + 1)..], $"upstreams: port of {service}")))
                throw new FormatException($"upstreams: '{service}' is listed twice");
        }
        return result;
    }

    private static (Ipv4Address, MacAddress) NetworkStatus(IReadOnlyDictionary<string, string> annotations, string? network)
    {
        if (!annotations.TryGetValue(MeshAnnotations.NetworkStatus, out var json))
            throw new FormatException($"annotation {MeshAnnotations.NetworkStatus} is missing (the OVS CNI plugin writes it once the pod is attached)");
        try
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var net in doc.RootElement.EnumerateArray())
            {
                var netName = net.TryGetProperty("name", out var n) ? n.GetString() : null;
                if (network is not null && netName != network && !(netName?.EndsWith("/" + network, StringComparison.Ordinal) ?? false)) continue;
                if (network is null && net.TryGetProperty("default", out var d) && d.ValueKind == JsonValueKind.True) continue;
                var ipText = net.TryGetProperty("ips", out var ips) && ips.ValueKind == JsonValueKind.Array
                    ? ips.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null).FirstOrDefault(s => s is not null && s.Contains('.'))
                    : null;
                if (ipText is null || !Ipv4Address.TryParse(ipText, out var ip)) throw new FormatException($"network-status: network {netName} has no IPv4 address");
                var macText = net.TryGetProperty("mac", out var m) ? m.GetString() : null;
                if (macText is null || !MacAddress.TryParse(macText, out var mac)) throw new FormatException($"network-status: network {netName} has no valid mac");
                return (ip, mac);
            }
        }
        catch (JsonException ex)
        {
            throw new FormatException($"network-status is not valid JSON (byte {(ex.BytePositionInLine ?? 0) + 1}): {ex.Message.Split(". ")[0]}");
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException($"network-status has an unexpected shape: {ex.Message}");
        }
        throw new FormatException($"network-status lists no network named '{network ?? "(non-default)"}'");
    }

    private static string? FirstContainerPort(YamlMappingNode? spec)
    {
        if (spec is null || Child(spec, "containers") is not YamlSequenceNode containers) return null;
        foreach (var c in containers.Children.OfType<YamlMappingNode>())
            if (Child(c, "ports") is YamlSequenceNode ports)
                foreach (var p in ports.Children.OfType<YamlMappingNode>())
                    if (Scalar(p, "containerPort") is { } port) return port;
        return null;
    }

    private static ushort ParsePort(string text, string what) =>
        ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0 ? p
        : throw new FormatException($"{what}: expected a port number 1-65535, got \"{text}\"");

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode map, string key) => (Child(map, key) as YamlScalarNode)?.Value;

    private static IReadOnlyDictionary<string, string> StringMap(YamlNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is YamlMappingNode m)
            foreach (var (k, v) in m.Children)
                if (k is YamlScalarNode ks && v is YamlScalarNode vs && ks.Value is not null) result[ks.Value] = vs.Value ?? "";
        return result;
    }
}
