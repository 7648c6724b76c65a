using MeshSim.P4.Execution;
using MeshSim.P4.Model;
using MeshSim.P4.Runtime;

namespace MeshSim.P4.Tests;

/// <summary>A program, a switch running it, its CLI, and a reusable output buffer.</summary>
internal sealed class Harness
{
    public P4Program Program { get; }
    public V1Switch Switch { get; }
    public RuntimeCli Cli { get; }
    private readonly EgressPackets _out = new();

    public Harness(P4Program program, params string[] commands)
    {
        Program = program;
        Switch = new V1Switch(program) { TraceEnabled = true };
        Cli = new RuntimeCli(program);
        foreach (var c in commands) Run(c);
    }

    public string Run(string command)
    {
        var r = Cli.Execute(command);
        Assert.True(r.Ok, $"{command}\n{r.Output}");
        return r.Output;
    }

    public List<(int Port, byte[] Frame)> Send(byte[] frame, uint port = 1, long nowNs = 0)
    {
        Switch.Process(frame, port, _out, nowNs);
        return TestFrames.Outputs(_out);
    }

    public string Trace => Switch.Trace.ToString();
}
