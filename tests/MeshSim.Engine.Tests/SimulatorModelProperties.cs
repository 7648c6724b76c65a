using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace MeshSim.Engine.Tests;

/// <summary>The simulator against a trivially correct reference: a list sorted by (time, insertion index).</summary>
public class SimulatorModelProperties
{
    public enum OpKind { Schedule, Cancel, RunUntil }

    public record struct Op(OpKind Kind, int Value);

    public static class Ops
    {
        public static Arbitrary<Op[]> Sequences() => Arb.From(
            Gen.OneOf(
                    Gen.Choose(0, 50).Select(v => new Op(OpKind.Schedule, v)),
                    Gen.Choose(0, 50).Select(v => new Op(OpKind.Schedule, v)),
                    Gen.Choose(0, 60).Select(v => new Op(OpKind.Cancel, v)),
                    Gen.Choose(0, 30).Select(v => new Op(OpKind.RunUntil, v)))
                .ArrayOf());
    }

    [Property(MaxTest = 300, Arbitrary = new[] { typeof(Ops) })]
    public bool Runs_exactly_what_the_reference_model_runs(Op[] ops)
    {
        var sim = new Simulator(1, new EventQueue(seqLimit: 64, initialCapacity: 2)); // small: growth and renumbering too
        var h = new RecordingHandler();
        var handles = new List<EventId>();
        var model = new List<(long Time, int Index, bool Cancelled, bool Ran)>();
        var modelRuns = new List<(long, long)>();
        long modelNow = 0;

        foreach (var op in ops)
        {
            switch (op.Kind)
            {
                case OpKind.Schedule:
                    handles.Add(sim.Schedule(op.Value, h, handles.Count));
                    model.Add((modelNow + op.Value, model.Count, false, false));
                    break;
                case OpKind.Cancel when handles.Count > 0:
                    int k = op.Value % handles.Count;
                    bool cancelled = sim.Cancel(handles[k]);
                    var m = model[k];
                    bool modelCancels = !m.Cancelled && !m.Ran;
                    if (cancelled != modelCancels) return false;
                    model[k] = m with { Cancelled = true };
                    break;
                case OpKind.RunUntil:
                    long stop = modelNow + op.Value;
                    sim.RunUntil(stop);
                    foreach (var e in model.Where(e => !e.Cancelled && !e.Ran && e.Time <= stop).OrderBy(e => e.Time).ThenBy(e => e.Index).ToList())
                    {
                        modelRuns.Add((e.Time, e.Index));
                        model[e.Index] = e with { Ran = true };
                    }
                    modelNow = stop;
                    break;
            }
            if (sim.PendingEvents != model.Count(e => !e.Cancelled && !e.Ran)) return false;
        }
        sim.Run();
        foreach (var e in model.Where(e => !e.Cancelled && !e.Ran).OrderBy(e => e.Time).ThenBy(e => e.Index))
            modelRuns.Add((e.Time, e.Index));
        return h.Runs.SequenceEqual(modelRuns);
    }
}
