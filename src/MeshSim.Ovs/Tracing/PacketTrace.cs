using System.Text;
using System.Text.Json;

namespace MeshSim.Ovs.Tracing;

/// <summary>
/// The record of one packet's trip through the pipeline, in the spirit of
/// <c>ovs-appctl ofproto/trace</c>: tables visited, flows matched (with cookie), actions, why
/// things happened, recirculations with the ct_state they resume with, final flows and outputs.
/// The translator adds steps only when a trace is requested, so an untraced packet pays one branch.
/// </summary>
public sealed class PacketTrace
{
    private readonly List<TraceStep> _steps = new();
    private readonly List<TracePass> _passes = new();
    private readonly List<TraceOutput> _outputs = new();

    /// <summary>All lines, in order.</summary>
    public IReadOnlyList<TraceStep> Steps => _steps;
    /// <summary>The passes (first pass, then recirculations, then passes in patch peers).</summary>
    public IReadOnlyList<TracePass> Passes => _passes;
    /// <summary>Packets that left the switch.</summary>
    public IReadOnlyList<TraceOutput> Outputs => _outputs;
    /// <summary>True when nothing was output.</summary>
    public bool Dropped => _outputs.Count == 0;

    /// <summary>Depth added to every step (the translator's resubmit depth is relative to the pass).</summary>
    internal int CurrentPass => _passes.Count - 1;

    internal TracePass BeginPass(TracePass pass)
    {
        _passes.Add(pass);
        return pass;
    }

    internal void Add(TraceStep step) => _steps.Add(step);

    internal void AddDatapathAction(int pass, string action) => _passes[pass].DatapathActions.Add(action);

    internal void AddOutput(TraceOutput output)
    {
        _outputs.Add(output);
        _passes[^1].OutputPorts.Add(output.Port);
    }

    /// <summary>Renders the trace as ofproto/trace lays it out.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var pass in _passes)
        {
            if (pass.Header is not null)
            {
                sb.Append('\n').Append('=', 79).Append('\n').Append(pass.Header).Append('\n').Append('=', 79).Append("\n\n");
            }
            sb.Append("Flow: ").Append(pass.Flow).Append("\n\n");
            string? bridge = null;
            foreach (var s in _steps.Where(s => s.Pass == pass.Index))
            {
                if (s.Kind == TraceKind.Bridge)
                {
                    if (bridge is not null) sb.Append('\n');
                    bridge = s.Text;
                    var head = $"bridge(\"{s.Text}\")";
                    sb.Append(' ', s.Depth * 4).Append(head).Append('\n').Append(' ', s.Depth * 4).Append('-', head.Length).Append('\n');
                    continue;
                }
                int indent = s.Depth * 4;
                switch (s.Kind)
                {
                    case TraceKind.Table: sb.Append(' ', indent).Append(s.Text).Append('\n'); break;
                    case TraceKind.Detail: sb.Append(' ', indent + 5).Append("-> ").Append(s.Text).Append('\n'); break;
                    case TraceKind.Warn: sb.Append(' ', indent + 5).Append(">> ").Append(s.Text).Append('\n'); break;
                    case TraceKind.Error: sb.Append(' ', indent + 5).Append(">>>> ").Append(s.Text).Append(" <<<<\n"); break;
                    default: sb.Append(' ', indent + 4).Append(s.Text).Append('\n'); break;
                }
            }
            sb.Append("\nFinal flow: ").Append(pass.FinalFlow).Append('\n');
            sb.Append("Datapath actions: ").Append(pass.DatapathActions.Count == 0 ? "drop" : string.Join(',', pass.DatapathActions)).Append('\n');
            if (pass.Error is not null) sb.Append("Translation failed (").Append(pass.Error).Append("), packet is dropped.\n");
        }
        return sb.ToString();
    }

    /// <summary>Renders the trace as JSON: <c>{"outputs":[{"port","flow","hex"}],"dropped","steps":[...],"passes":[...]}</c>.</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("outputs");
            foreach (var o in _outputs)
            {
                w.WriteStartObject();
                w.WriteNumber("port", o.Port);
                w.WriteString("bridge", o.Bridge);
                w.WriteString("flow", o.Flow);
                w.WriteString("hex", Convert.ToHexStringLower(o.Frame));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("dropped", Dropped);
            w.WriteStartArray("steps");
            foreach (var s in _steps)
            {
                w.WriteStartObject();
                w.WriteNumber("pass", s.Pass);
                w.WriteNumber("depth", s.Depth);
                w.WriteString("kind", s.Kind.ToString().ToLowerInvariant());
                w.WriteString("text", s.Text);
                if (s.Bridge is not null) w.WriteString("bridge", s.Bridge);
                if (s.Table is { } t) w.WriteNumber("table", t);
                if (s.Priority is { } p) w.WriteNumber("priority", p);
                if (s.Cookie is { } c) w.WriteString("cookie", $"0x{c:x}");
                if (s.Match is not null) w.WriteString("match", s.Match);
                if (s.Port is { } port) w.WriteNumber("port", port);
                if (s.BucketId is { } b) w.WriteNumber("bucket", b);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("passes");
            foreach (var p in _passes)
            {
                w.WriteStartObject();
                w.WriteNumber("pass", p.Index);
                w.WriteString("bridge", p.Bridge);
                w.WriteNumber("recirc_id", p.RecircId);
                if (p.CtState is not null) w.WriteString("ct_state", p.CtState);
                w.WriteString("flow", p.Flow);
                w.WriteString("final_flow", p.FinalFlow);
                w.WriteStartArray("output_ports");
                foreach (var port in p.OutputPorts) w.WriteNumberValue(port);
                w.WriteEndArray();
                if (p.Error is not null) w.WriteString("error", p.Error);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }
}
