namespace MeshSim.Engine;

/// <summary>
/// A 4-ary min-heap of events ordered by (time, sequence). The sequence number is the insertion
/// counter, so events at equal times run first-in-first-out. (PriorityQueue does not promise FIFO
/// for equal priorities, which would break "same seed, same pcap".) Entries are structs in one
/// array: steady-state push/pop allocate nothing.
/// </summary>
internal sealed class EventQueue
{
    internal struct Entry
    {
        public long Time;
        public long Seq;
        public IEventHandler Handler;
        public long Arg;
        public object? State;
    }

    private Entry[] _heap = new Entry[1024];
    private int _count;

    public int Count => _count;

    public ref readonly Entry Peek() => ref _heap[0];

    public void Push(in Entry e)
    {
        if (_count == _heap.Length) Array.Resize(ref _heap, _heap.Length * 2);
        int i = _count++;
        var heap = _heap;
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            if (!Less(in e, in heap[parent])) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = e;
    }

    public Entry Pop()
    {
        var heap = _heap;
        var top = heap[0];
        var last = heap[--_count];
        heap[_count] = default; // drop references for the GC
        int n = _count, i = 0;
        while (true)
        {
            int first = (i << 2) + 1;
            if (first >= n) break;
            int best = first, end = Math.Min(first + 4, n);
            for (int c = first + 1; c < end; c++)
                if (Less(in heap[c], in heap[best])) best = c;
            if (!Less(in heap[best], in last)) break;
            heap[i] = heap[best];
            i = best;
        }
        if (n > 0) heap[i] = last;
        return top;
    }

    private static bool Less(in Entry a, in Entry b) => a.Time < b.Time || (a.Time == b.Time && a.Seq < b.Seq);
}
