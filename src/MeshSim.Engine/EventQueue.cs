using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MeshSim.Engine;

/// <summary>
/// The pending events, ordered by (time, insertion sequence): events at equal times run
/// first-in-first-out. (.NET's PriorityQueue does not promise FIFO for equal priorities, which would
/// break "same seed, same pcap".)
/// </summary>
/// <remarks>
/// Layout, chosen for the hold model (pop one, push one) at 1k-100k pending events:
/// <list type="bullet">
/// <item>A 4-ary min-heap of 16-byte keys <c>(Time, Tie)</c>, where <c>Tie = seq &lt;&lt; SlotBits | slot</c>.
/// Four siblings fill one 64-byte cache line, and sifting moves 16 bytes, not the whole event. The
/// sequence occupies the high bits, so comparing <c>Tie</c> compares insertion order; the slot bits
/// never decide because sequences are unique.</item>
/// <item>The event body (handler, arg, state) lives in a slot array, reached from the key's low bits.
/// Freed slots are reused last-in-first-out, so the event scheduled by a handler lands in the slot
/// the handler's own event just left, which is still in cache.</item>
/// <item>Cancel is O(1) and allocation-free: a handle carries (slot, generation); a slot's generation
/// changes whenever it is freed, so a handle to an event that already ran or was cancelled no longer
/// matches and cancelling it does nothing.</item>
/// </list>
/// Sequence numbers have <see cref="SeqBits"/> bits; when they run out the heap is renumbered in
/// order (keys change, relative order and handles do not).
/// </remarks>
internal sealed class EventQueue
{
    internal const int SlotBits = 28;
    internal const int SeqBits = 63 - SlotBits;
    internal const long SlotMask = (1L << SlotBits) - 1;
    /// <summary>Most events that can be pending at once (2^28, about 268 million).</summary>
    internal const int MaxSlots = 1 << SlotBits;
    private const long GenerationMask = (1L << (63 - SlotBits)) - 1;

    [StructLayout(LayoutKind.Sequential)]
    internal struct Key
    {
        public long Time;
        public long Tie;
    }

    internal struct Slot
    {
        public IEventHandler? Handler;   // null while free or after cancel
        public object? State;
        public long Arg;
        public long Generation;          // part of the EventId; bumped when the slot is freed
        public bool Pending;             // in the heap (possibly cancelled)
    }

    private readonly long _seqLimit;
    private Key[] _heap;
    private int _count;
    private Slot[] _slots;
    private int _slotsUsed;             // slots ever handed out (high-water mark)
    private int[] _free;
    private int _freeCount;
    private long _seq;
    private int _cancelledPending;

    internal EventQueue(long seqLimit = 1L << SeqBits, int initialCapacity = 1024)
    {
        _seqLimit = seqLimit;
        _heap = new Key[initialCapacity];
        _slots = new Slot[initialCapacity];
        _free = new int[initialCapacity];
    }

    /// <summary>Entries in the heap, cancelled ones included.</summary>
    public int Count => _count;

    /// <summary>Entries that will still run.</summary>
    public int LiveCount => _count - _cancelledPending;

    /// <summary>Times the sequence counter ran out and the heap was renumbered (for tests).</summary>
    internal int Renumberings { get; private set; }

    /// <summary>Time of the earliest entry (which may be cancelled). Only when Count &gt; 0.</summary>
    public long PeekTime => _heap[0].Time;

    /// <summary>Drops cancelled entries from the head so that <see cref="PeekTime"/> is a live event's.</summary>
    public void SkipCancelledHead()
    {
        while (_count > 0 && _slots[(int)(_heap[0].Tie & SlotMask)].Handler is null)
            FreeSlot(RemoveTop());
    }

    /// <summary>Adds an event; returns the handle value (generation, slot).</summary>
    public long Push(long time, IEventHandler handler, long arg, object? state)
    {
        int slot = AllocateSlot();
        ref var s = ref _slots[slot];
        s.Handler = handler; s.Arg = arg; s.State = state; s.Pending = true;
        if (_seq + 1 >= _seqLimit) Renumber();
        long tie = (++_seq << SlotBits) | (uint)slot;
        if (_count == _heap.Length) Array.Resize(ref _heap, _heap.Length * 2);
        SiftUp(_count++, new Key { Time = time, Tie = tie });
        return (s.Generation << SlotBits) | (uint)slot;
    }

    /// <summary>Removes the earliest entry. Returns false (and frees it) when it was cancelled.
    /// A live event's body is copied out and its slot freed before the handler runs, so the handler
    /// may schedule (reusing the slot) or cancel its own, already invalid, handle.</summary>
    public bool TryPop(out long time, out IEventHandler handler, out long arg, out object? state)
    {
        time = _heap[0].Time;
        int slot = RemoveTop();
        ref var s = ref _slots[slot];
        handler = s.Handler!;
        arg = s.Arg;
        state = s.State;
        bool live = handler is not null;
        FreeSlot(slot);
        return live;
    }

    /// <summary>Cancels the event behind a handle value if it is still pending.</summary>
    public bool Cancel(long handle)
    {
        if (handle <= 0) return false;
        int slot = (int)(handle & SlotMask);
        if (!IsPending(handle)) return false;
        ref var s = ref _slots[slot];
        s.Handler = null;
        s.State = null;
        _cancelledPending++;
        return true;
    }

    /// <summary>True when the handle names an event that is in the heap and not cancelled.</summary>
    public bool IsPending(long handle)
    {
        if (handle <= 0) return false;
        int slot = (int)(handle & SlotMask);
        if (slot >= _slotsUsed) return false;
        ref var s = ref _slots[slot];
        return s.Pending && s.Generation == handle >> SlotBits && s.Handler is not null;
    }

    private int AllocateSlot()
    {
        if (_freeCount > 0) return _free[--_freeCount];
        if (_slotsUsed == MaxSlots)
            throw new InvalidOperationException($"more than {MaxSlots} events pending at once; the event queue cannot hold more");
        if (_slotsUsed == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
            Array.Resize(ref _free, _free.Length * 2);
        }
        int slot = _slotsUsed++;
        _slots[slot].Generation = 1;   // handles are never 0, so default(EventId) matches nothing
        return slot;
    }

    private void FreeSlot(int slot)
    {
        ref var s = ref _slots[slot];
        if (s.Handler is null) _cancelledPending--;
        s.Handler = null;
        s.State = null;
        s.Pending = false;
        s.Generation = s.Generation == GenerationMask ? 1 : s.Generation + 1;
        _free[_freeCount++] = slot;
    }

    /// <summary>Removes the root key and returns its slot.</summary>
    private int RemoveTop()
    {
        int slot = (int)(_heap[0].Tie & SlotMask);
        int n = --_count;
        if (n > 0) SiftDown(_heap[n]);
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in Key a, in Key b) => a.Time < b.Time || (a.Time == b.Time && a.Tie < b.Tie);

    private void SiftUp(int i, Key k)
    {
        var heap = _heap;
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            if (!Less(in k, in heap[parent])) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = k;
    }

    /// <summary>Places <paramref name="last"/> (the former last element) starting from the root hole.</summary>
    private void SiftDown(Key last)
    {
        var heap = _heap;
        int n = _count, i = 0;
        ref Key h0 = ref MemoryMarshal.GetArrayDataReference(heap);
        while (true)
        {
            int first = (i << 2) + 1;
            if (first >= n) break;
            int best = first;
            ref Key b = ref Unsafe.Add(ref h0, first);
            if (first + 3 < n)
            {
                // The common case: four children, no bounds to check.
                ref Key c1 = ref Unsafe.Add(ref h0, first + 1);
                if (Less(in c1, in b)) { best = first + 1; b = ref c1; }
                ref Key c2 = ref Unsafe.Add(ref h0, first + 2);
                if (Less(in c2, in b)) { best = first + 2; b = ref c2; }
                ref Key c3 = ref Unsafe.Add(ref h0, first + 3);
                if (Less(in c3, in b)) { best = first + 3; b = ref c3; }
            }
            else
            {
                for (int c = first + 1; c < n; c++)
                {
                    ref Key cc = ref Unsafe.Add(ref h0, c);
                    if (Less(in cc, in b)) { best = c; b = ref cc; }
                }
            }
            if (!Less(in b, in last)) break;
            Unsafe.Add(ref h0, i) = b;
            i = best;
        }
        Unsafe.Add(ref h0, i) = last;
    }

    /// <summary>The sequence counter ran out: sort the keys (which yields a valid heap) and give them
    /// fresh sequence numbers 1..n in the same order. Slots, and therefore handles, are untouched.</summary>
    private void Renumber()
    {
        var keys = _heap.AsSpan(0, _count);
        keys.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Tie.CompareTo(b.Tie));
        for (int i = 0; i < keys.Length; i++)
            keys[i].Tie = ((long)(i + 1) << SlotBits) | (keys[i].Tie & SlotMask);
        _seq = keys.Length;
        Renumberings++;
    }
}
