namespace MeshSim.Ovs.Conntrack;

// OVS 3.1's clean thread (clean_thread_main, conntrack_clean, ct_sweep), on virtual time. It wakes
// when the tracker is created and then every 20 s; each pass walks the expiration lists from where
// the last one stopped and removes the entries that have expired by the pass's start. A pass that
// has walked more than n_conn_limit/64 entries stops after the current list and the next pass comes
// 200 ms later. Passes are run when the tracker is next used at or after their time: nothing else
// touches the table in between, so the outcome is the same as a thread's, without any events.
public sealed partial class ConnTracker
{
    private long _nextCleanNs;
    private int _nextSweepList;

    /// <summary>When the next cleaner pass is due (virtual ns).</summary>
    public long NextCleanNs => _nextCleanNs;

    /// <summary>Cleaner passes run so far.</summary>
    public long CleanerPasses { get; private set; }

    /// <summary>Connections the cleaner has removed so far.</summary>
    public long CleanedConnections { get; private set; }

    /// <summary>Runs the cleaner passes due by <paramref name="nowNs"/>. Packets, lookups and dumps call
    /// it themselves; call it before reading <see cref="Count"/> at a time of your own.</summary>
    public void RunCleaner(long nowNs)
    {
        while (_nextCleanNs <= nowNs)
        {
            // A pass that walks the whole table removes everything expired; with no packet in between,
            // the passes before the last due one change nothing that the last one would not.
            if (_nextSweepList == 0 && Count <= MaxConnections / CtCleaner.BudgetDivisor)
            {
                long skipped = (nowNs - _nextCleanNs) / CtCleaner.IntervalNs;
                _nextCleanNs += skipped * CtCleaner.IntervalNs;
                CleanerPasses += skipped;
            }
            bool limited = CleanPass(_nextCleanNs);
            _nextCleanNs += limited ? CtCleaner.MinIntervalNs : CtCleaner.IntervalNs;
        }
    }

    // conntrack_clean + ct_sweep: true when the budget stopped the pass early.
    private bool CleanPass(long passNs)
    {
        CleanerPasses++;
        long budget = MaxConnections / CtCleaner.BudgetDivisor, count = 0;
        int i;
        for (i = _nextSweepList; i < CtCleaner.ExpirationLists; i++)
        {
            for (var c = _expLists[i]; c is not null;)
            {
                var next = c.ExpNext;
                if (c.IsExpired(passNs))
                {
                    Remove(c);
                    CleanedConnections++;
                }
                count++;
                c = next;
            }
            if (count > budget) break;
        }
        _nextSweepList = i < CtCleaner.ExpirationLists ? i : 0;
        return i < CtCleaner.ExpirationLists;
    }
}
