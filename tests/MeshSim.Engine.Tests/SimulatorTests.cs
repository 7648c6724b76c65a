namespace MeshSim.Engine.Tests;

public class SimulatorTests
{
    [Fact]
    public void Events_run_in_time_order()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        sim.Schedule(30, h, 3);
        sim.Schedule(10, h, 1);
        sim.Schedule(20, h, 2);
        sim.Run();
        Assert.Equal(new[] { (10L, 1L), (20L, 2L), (30L, 3L) }, h.Runs);
        Assert.Equal(30, sim.Now);
        Assert.Equal(3, sim.EventsExecuted);
    }

    [Fact]
    public void Equal_times_run_in_insertion_order_even_among_many()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        // Interleave three time values so the heap must reorder, and many equal ones to stress ties.
        for (int i = 0; i < 2000; i++) sim.Schedule((i % 3) * 5, h, i);
        sim.Run();
        var expected = Enumerable.Range(0, 2000).Select(i => ((long)(i % 3) * 5, (long)i))
            .OrderBy(x => x.Item1).ThenBy(x => x.Item2).ToList();
        Assert.Equal(expected, h.Runs);
    }

    [Fact]
    public void Event_scheduled_with_zero_delay_from_a_handler_runs_after_already_pending_events_at_that_time()
    {
        var sim = new Simulator();
        var order = new List<string>();
        sim.Schedule(10, () => { order.Add("a"); sim.Schedule(0, () => order.Add("c")); });
        sim.Schedule(10, () => order.Add("b"));
        sim.Run();
        Assert.Equal(new[] { "a", "b", "c" }, order);
    }

    [Fact]
    public void Negative_delay_is_refused_with_a_clear_message()
    {
        var sim = new Simulator();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sim.Schedule(-1, new RecordingHandler()));
        Assert.Equal("delayNs", ex.ParamName);
        Assert.Contains(">= 0", ex.Message);
        Assert.Equal(0, sim.PendingEvents);
    }

    [Fact]
    public void Scheduling_in_the_past_or_past_the_end_of_time_is_refused()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        sim.Schedule(100, h);
        sim.Run();
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.ScheduleAt(99, h));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Schedule(long.MaxValue, h));
        Assert.Throws<ArgumentNullException>(() => sim.Schedule(1, (IEventHandler)null!));
        sim.ScheduleAt(100, h);   // now itself is allowed
        Assert.Equal(1, sim.PendingEvents);
    }

    [Fact]
    public void Cancelled_event_does_not_run_and_cancel_is_idempotent()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        var a = sim.Schedule(10, h, 1);
        var b = sim.Schedule(20, h, 2);
        Assert.True(sim.IsPending(a));
        Assert.True(sim.Cancel(a));
        Assert.False(sim.Cancel(a));
        Assert.False(sim.IsPending(a));
        Assert.Equal(1, sim.PendingEvents);
        Assert.Equal(20, sim.NextEventTime);   // the cancelled head is not reported
        sim.Run();
        Assert.Equal(new[] { (20L, 2L) }, h.Runs);
        Assert.False(sim.Cancel(b));            // already ran
        Assert.Equal(1, sim.EventsExecuted);
    }

    [Fact]
    public void Default_handle_cancels_nothing()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        sim.Schedule(1, h);
        Assert.False(default(EventId).IsSet);
        Assert.False(sim.Cancel(default));
        Assert.False(sim.Cancel(new EventId(-5)));
        Assert.False(sim.Cancel(new EventId(long.MaxValue)));
        sim.Run();
        Assert.Single(h.Runs);
    }

    [Fact]
    public void Stale_handle_does_not_cancel_a_later_event_that_reuses_its_storage()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        var first = sim.Schedule(1, h, 1);
        sim.Run();
        var second = sim.Schedule(1, h, 2);     // reuses the freed slot
        Assert.NotEqual(first, second);
        Assert.False(sim.Cancel(first));
        sim.Run();
        Assert.Equal(new long[] { 1, 2 }, h.Runs.Select(r => r.Arg));
    }

    [Fact]
    public void Handler_cancelling_its_own_handle_or_a_later_event()
    {
        var sim = new Simulator();
        var ran = new List<string>();
        EventId self = default, later = default;
        self = sim.Schedule(5, () =>
        {
            ran.Add("self");
            Assert.False(sim.Cancel(self));   // it is running, not pending
            Assert.True(sim.Cancel(later));
        });
        later = sim.Schedule(6, () => ran.Add("later"));
        sim.Run();
        Assert.Equal(new[] { "self" }, ran);
        Assert.Equal(5, sim.Now);
    }

    [Fact]
    public void RunUntil_runs_events_at_the_boundary_including_ones_they_schedule_there_and_stops_before_later_ones()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        sim.Schedule(99, h, 1);
        sim.Schedule(100, () => { h.Runs.Add((sim.Now, 2)); sim.Schedule(0, h, 3); sim.Schedule(1, h, 4); });
        sim.Schedule(101, h, 5);
        sim.RunUntil(100);
        Assert.Equal(new[] { (99L, 1L), (100L, 2L), (100L, 3L) }, h.Runs);
        Assert.Equal(100, sim.Now);
        Assert.Equal(2, sim.PendingEvents);
        Assert.Equal(101, sim.NextEventTime);
    }

    [Fact]
    public void RunUntil_advances_the_clock_to_the_stop_time_when_idle_and_refuses_the_past()
    {
        var sim = new Simulator();
        sim.RunUntil(1_000);
        Assert.Equal(1_000, sim.Now);
        sim.RunUntil(1_000);
        Assert.Equal(1_000, sim.Now);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => sim.RunUntil(999));
        Assert.Contains("before now", ex.Message);
    }

    [Fact]
    public void Stop_returns_after_the_current_event_and_keeps_its_time()
    {
        var sim = new Simulator();
        var h = new RecordingHandler();
        sim.Schedule(10, () => sim.Stop());
        sim.Schedule(10, h, 1);
        sim.Schedule(20, h, 2);
        sim.RunUntil(1_000);
        Assert.Empty(h.Runs);
        Assert.Equal(10, sim.Now);
        sim.Run();   // a later run starts afresh
        Assert.Equal(new long[] { 1, 2 }, h.Runs.Select(r => r.Arg));
    }

    [Fact]
    public void Running_from_inside_an_event_is_refused()
    {
        var sim = new Simulator();
        sim.Schedule(1, () => sim.Run());
        var ex = Assert.Throws<InvalidOperationException>(() => sim.Run());
        Assert.Contains("already running", ex.Message);
        Assert.False(sim.IsRunning);
    }

    [Fact]
    public void Arg_and_state_reach_the_handler()
    {
        var sim = new Simulator();
        var seen = new List<(long, object?)>();
        var handler = new LambdaHandler((s, a, st) => seen.Add((a, st)));
        var state = new object();
        sim.Schedule(1, handler, 42, state);
        sim.Run();
        Assert.Equal(42, seen[0].Item1);
        Assert.Same(state, seen[0].Item2);
    }

    [Fact]
    public void Sequence_counter_overflow_renumbers_without_changing_order_or_handles()
    {
        // A tiny sequence space forces many renumberings; order and cancel must be unaffected.
        var sim = new Simulator(1, new EventQueue(seqLimit: 16, initialCapacity: 4));
        var h = new RecordingHandler();
        var ids = new List<EventId>();
        for (int i = 0; i < 12; i++) ids.Add(sim.Schedule(i % 2 == 0 ? 50 : 40, h, i));
        Assert.True(sim.Cancel(ids[3]));
        for (int i = 12; i < 40; i++)
        {
            sim.RunUntil(sim.Now);          // nothing due, just exercises the loop
            ids.Add(sim.Schedule(i % 2 == 0 ? 50 : 40, h, i));
        }
        Assert.True(sim.Cancel(ids[20]));
        sim.Run();
        var expected = Enumerable.Range(0, 40).Where(i => i != 3 && i != 20)
            .Select(i => (i % 2 == 0 ? 50L : 40L, (long)i)).OrderBy(x => x.Item1).ThenBy(x => x.Item2);
        Assert.Equal(expected, h.Runs);
    }

    [Fact]
    public void Renumbering_actually_happens_with_a_small_sequence_space()
    {
        var queue = new EventQueue(seqLimit: 8, initialCapacity: 2);
        var sim = new Simulator(1, queue);
        var h = new RecordingHandler();
        for (int i = 0; i < 5; i++) sim.Schedule(1, h, i);
        sim.Run();
        for (int i = 5; i < 10; i++) sim.Schedule(1, h, i);
        Assert.True(queue.Renumberings > 0);
        sim.Run();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), h.Runs.Select(r => r.Arg));
    }

    [Theory]
    [InlineData(1_000, 8)]          // few distinct times: ties everywhere
    [InlineData(50_000, 1_000_000)] // a large heap: every sibling group full, the prefetching path
    public void Large_churning_population_runs_in_time_then_insertion_order(int population, int timeRange)
    {
        var sim = new Simulator(3);
        var rng = new SimRandom(11);
        long inserted = 0;
        var runs = new List<(long Time, long Arg)>();
        var churn = new LambdaHandler((s, arg, _) =>
        {
            runs.Add((s.Now, arg));
            if (runs.Count < 4 * population) s.Schedule(rng.Next(0, timeRange), (IEventHandler)_!, inserted++, _);
        });
        for (int i = 0; i < population; i++) sim.Schedule(rng.Next(0, timeRange), churn, inserted++, churn);
        sim.Run();
        Assert.Equal(inserted, runs.Count);
        for (int i = 1; i < runs.Count; i++)
        {
            var (t0, a0) = runs[i - 1];
            var (t1, a1) = runs[i];
            Assert.True(t0 < t1 || (t0 == t1 && a0 < a1), $"event {i}: ({t1}, #{a1}) ran after ({t0}, #{a0})");
        }
    }

    private sealed class LambdaHandler(Action<Simulator, long, object?> body) : IEventHandler
    {
        public void OnEvent(Simulator sim, long arg, object? state) => body(sim, arg, state);
    }
}
