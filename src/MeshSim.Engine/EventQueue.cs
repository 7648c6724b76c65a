using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

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
/// <item>Sifting down picks the smallest of four siblings with masks rather than branches (the
/// winner is random, so branches mispredict) and prefetches the next level and the next root's
/// body, so a 100k-event heap does not wait on memory level by level.</item>
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
    private Key[] _heapArray;          // pinned; the heap starts at _heapBase (see AllocateHeap)
    private int _heapBase;
    private int _heapCapacity;
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
        (_heapArray, _heapBase, _heapCapacity) = AllocateHeap(initialCapacity);
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
    public long PeekTime => Root.Time;

    private ref Key Root => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_heapArray), _heapBase);

    /// <summary>A pinned array with room for <paramref name="capacity"/> keys, and the offset at which the
    /// heap starts so that every group of four siblings (indices 4i+1..4i+4) fills exactly one 64-byte
    /// cache line. Pinned (on the pinned object heap) so the alignment survives garbage collections.</summary>
    private static unsafe (Key[] Array, int Base, int Capacity) AllocateHeap(int capacity)
    {
        var array = GC.AllocateArray<Key>(capacity + 4, pinned: true);
        long address = (long)Unsafe.AsPointer(ref array[0]);
        // Put element (base + 1) on a 64-byte boundary (elements are 16 bytes). Array data is 16-byte
        // aligned in practice; if it ever is not, the heap is merely less cache-friendly, never wrong.
        int @base = (int)(((64 - (address + 16) % 64) % 64) / 16);
        return (array, @base, capacity);
    }

    private void GrowHeap()
    {
        var (array, @base, capacity) = AllocateHeap(_heapCapacity * 2);
        new Span<Key>(_heapArray, _heapBase, _count).CopyTo(new Span<Key>(array, @base, _count));
        (_heapArray, _heapBase, _heapCapacity) = (array, @base, capacity);
    }

    /// <summary>Drops cancelled entries from the head so that <see cref="PeekTime"/> is a live event's.</summary>
    public void SkipCancelledHead()
    {
        while (_count > 0 && _slots[(int)(Root.Tie & SlotMask)].Handler is null)
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
        if (_count == _heapCapacity) GrowHeap();
        SiftUp(_count++, new Key { Time = time, Tie = tie });
        return (s.Generation << SlotBits) | (uint)slot;
    }

    /// <summary>Removes the earliest entry. Returns false (and frees it) when it was cancelled.
    /// A live event's body is copied out and its slot freed before the handler runs, so the handler
    /// may schedule (reusing the slot) or cancel its own, already invalid, handle.</summary>
    public bool TryPop(out long time, out IEventHandler handler, out long arg, out object? state)
    {
        time = Root.Time;
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
        ref Key root = ref Root;
        int slot = (int)(root.Tie & SlotMask);
        int n = --_count;
        if (n > 0)
        {
            SiftDown(Unsafe.Add(ref root, n));
            // The new root's body is read at the next pop; start loading it now so the miss overlaps
            // with the current handler's work.
            PrefetchSlot((int)(root.Tie & SlotMask));
        }
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Less(in Key a, in Key b) => a.Time < b.Time || (a.Time == b.Time && a.Tie < b.Tie);

    private void SiftUp(int i, Key k)
    {
        ref Key h0 = ref Root;
        while (i > 0)
        {
            int parent = (i - 1) >> 2;
            ref Key p = ref Unsafe.Add(ref h0, parent);
            if (!Less(in k, in p)) break;
            Unsafe.Add(ref h0, i) = p;
            i = parent;
        }
        Unsafe.Add(ref h0, i) = k;
    }

    /// <summary>All-ones when (a.Time, a.Tie) &lt; (b.Time, b.Tie), else zero, without a branch. Exact
    /// because times and ties are never negative: their differences cannot overflow, and the tie
    /// difference's sign bit is the borrow into the time comparison.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long LessMask(long aTime, long aTie, long bTime, long bTie)
    {
        long borrow = (long)((ulong)(aTie - bTie) >> 63);
        return (aTime - bTime - borrow) >> 63;
    }

    /// <summary>Places <paramref name="last"/> (the former last element) starting from the root hole.
    /// The smallest of four children is picked with masks instead of branches: which child wins is
    /// random, so branches would mispredict about half the time at every level.</summary>
    private void SiftDown(Key last)
    {
        int n = _count, i = 0;
        ref Key h0 = ref Root;
        while (true)
        {
            int first = (i << 2) + 1;
            if (first >= n) break;
            int best;
            long bt, bk;
            if (first + 3 < n)
            {
                ref Key c = ref Unsafe.Add(ref h0, first);
                int grandchildren = (first << 2) + 1;
                if (grandchildren < n) PrefetchLines(ref Unsafe.Add(ref h0, grandchildren));
                best = first; bt = c.Time; bk = c.Tie;
                for (int j = 1; j < 4; j++)
                {
                    ref Key cj = ref Unsafe.Add(ref c, j);
                    long m = LessMask(cj.Time, cj.Tie, bt, bk);
                    best ^= (best ^ (first + j)) & (int)m;
                    bt ^= (bt ^ cj.Time) & m;
                    bk ^= (bk ^ cj.Tie) & m;
                }
            }
            else
            {
                best = first; bt = Unsafe.Add(ref h0, first).Time; bk = Unsafe.Add(ref h0, first).Tie;
                for (int c = first + 1; c < n; c++)
                {
                    ref Key cc = ref Unsafe.Add(ref h0, c);
                    if (LessMask(cc.Time, cc.Tie, bt, bk) != 0) { best = c; bt = cc.Time; bk = cc.Tie; }
                }
            }
            if (LessMask(bt, bk, last.Time, last.Tie) == 0) break;
            ref Key hole = ref Unsafe.Add(ref h0, i);
            hole.Time = bt;
            hole.Tie = bk;
            i = best;
        }
        Unsafe.Add(ref h0, i) = last;
    }

    /// <summary>Asks the CPU to fetch the four cache lines holding the children of four siblings: the
    /// next level's winner is only known after this level's comparisons, so without a hint each level
    /// of a large heap waits for memory in turn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void PrefetchLines(ref Key at)
    {
        if (!Sse.IsSupported) return;
        byte* p = (byte*)Unsafe.AsPointer(ref at);   // the heap array is pinned
        Sse.Prefetch0(p);
        Sse.Prefetch0(p + 64);
        Sse.Prefetch0(p + 128);
        Sse.Prefetch0(p + 192);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private unsafe void PrefetchSlot(int slot)
    {
        if (!Sse.IsSupported) return;
        // A hint only: reading the address of an element does not pin it, and a stale address after a
        // GC merely wastes the prefetch.
        Sse.Prefetch0(Unsafe.AsPointer(ref _slots[slot]));
    }

    /// <summary>The sequence counter ran out: sort the keys (which yields a valid heap) and give them
    /// fresh sequence numbers 1..n in the same order. Slots, and therefore handles, are untouched.</summary>
    private void Renumber()
    {
        var keys = new Span<Key>(_heapArray, _heapBase, _count);
        keys.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Tie.CompareTo(b.Tie));
        for (int i = 0; i < keys.Length; i++)
            keys[i].Tie = ((long)(i + 1) << SlotBits) | (keys[i].Tie & SlotMask);
        _seq = keys.Length;
        Renumberings++;
    }
}
