using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace MeshSim.Control.Live;

/// <summary>Rx operators of the control loop.</summary>
public static class ControlObservables
{
    /// <summary>
    /// Passes on the LATEST item of a burst: an item is emitted once the source has been quiet for
    /// <paramref name="quiet"/>, or <paramref name="maxDelay"/> after the first item of the burst
    /// at the latest, so a registry that never stops changing still gets pushed (bounded delay).
    /// </summary>
    public static IObservable<T> CoalesceBursts<T>(this IObservable<T> source, TimeSpan quiet, TimeSpan maxDelay, IScheduler scheduler) =>
        Observable.Create<T>(observer =>
        {
            var gate = new object();
            bool has = false;
            T latest = default!;
            DateTimeOffset burstStart = default;
            IDisposable? timer = null;

            void Flush()
            {
                T item;
                lock (gate)
                {
                    if (!has) return;
                    item = latest;
                    has = false;
                    timer?.Dispose();
                    timer = null;
                }
                observer.OnNext(item);
            }

            var subscription = source.Subscribe(
                item =>
                {
                    lock (gate)
                    {
                        var now = scheduler.Now;
                        if (!has) burstStart = now;
                        has = true;
                        latest = item;
                        timer?.Dispose();
                        var due = now + quiet;
                        var deadline = burstStart + maxDelay;
                        timer = scheduler.Schedule(due < deadline ? due : deadline, Flush);
                    }
                },
                error => { Flush(); observer.OnError(error); },
                () => { Flush(); observer.OnCompleted(); });
            return () => { subscription.Dispose(); lock (gate) timer?.Dispose(); };
        });
}
