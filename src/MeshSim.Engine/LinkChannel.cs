namespace MeshSim.Engine;

/// <summary>
/// One direction of a <see cref="Link"/>: a drop-tail queue, a transmitter that serialises one frame
/// at a time, and the propagation delay. Two event kinds (the low bit of the event arg): serialisation
/// finished, and frame arrives; an arrival also carries the link epoch it was sent in (arg &gt;&gt; 1).
/// </summary>
internal sealed class LinkChannel : IEventHandler
{
    private const long SerialisationDone = 0, Arrival = 1;

    private readonly Link _link;
    private readonly Port _from, _to;
    private readonly SimRandom _loss;
    private readonly Queue<Frame> _waiting = new();
    private Frame? _onWire;
    private long _onWireEpoch;
    public long QueueDrops, LossDrops, DownDrops;

    public LinkChannel(Link link, Port from, Port to, SimRandom loss)
    {
        _link = link; _from = from; _to = to; _loss = loss;
    }

    public int Waiting => _waiting.Count;

    public void Enqueue(Frame frame)
    {
        var options = _link.Options;
        if (options.BitsPerSecond == 0)
        {
            StartOnWire(frame, serialisationNs: 0);
            return;
        }
        if (_onWire is null)
        {
            StartOnWire(frame, Link.SerialisationNs(frame.Length, options.BitsPerSecond));
            return;
        }
        if (_waiting.Count >= options.QueueFrames)
        {
            QueueDrops++;
            _from.TxDropped++;
            _link.Network.NotifyDropped(_from, frame.Data, DropReason.QueueFull);
            frame.Release();
            return;
        }
        _waiting.Enqueue(frame);
    }

    /// <summary>The link went down: everything waiting is lost (the frame on the wire is lost on arrival).</summary>
    public void DropWaiting()
    {
        while (_waiting.Count > 0)
        {
            var frame = _waiting.Dequeue();
            DownDrops++;
            _from.TxDropped++;
            _link.Network.NotifyDropped(_from, frame.Data, DropReason.LinkDown);
            frame.Release();
        }
    }

    private void StartOnWire(Frame frame, long serialisationNs)
    {
        _from.TxPackets++;
        _from.TxBytes += frame.Length;
        var net = _link.Network;
        if (_link.Taps.Length != 0) _link.Tap(_from, TapDirection.Transmit, frame);
        if (net.Observed) net.NotifySent(_from, frame.Data);
        if (serialisationNs == 0)
        {
            Propagate(frame);
            return;
        }
        _onWire = frame;
        _onWireEpoch = _link.Epoch;
        net.Sim.Schedule(serialisationNs, this, SerialisationDone, null);
    }

    private void Propagate(Frame frame)
    {
        var options = _link.Options;
        if (options.LossRate > 0 && _loss.NextDouble() < options.LossRate)
        {
            LossDrops++;
            _link.Network.NotifyDropped(_from, frame.Data, DropReason.LinkLoss);
            frame.Release();
            return;
        }
        _link.Network.Sim.Schedule(options.LatencyNs, this, Arrival | (_link.Epoch << 1), frame);
    }

    private void LoseToLinkDown(Port at, Frame frame)
    {
        DownDrops++;
        _link.Network.NotifyDropped(at, frame.Data, DropReason.LinkDown);
        frame.Release();
    }

    public void OnEvent(Simulator sim, long arg, object? state)
    {
        if ((arg & 1) == SerialisationDone)
        {
            var frame = _onWire!;
            _onWire = null;
            if (_onWireEpoch != _link.Epoch) LoseToLinkDown(_from, frame);   // the link went down mid-frame
            else Propagate(frame);
            if (_waiting.Count > 0)
            {
                var next = _waiting.Dequeue();
                StartOnWire(next, Link.SerialisationNs(next.Length, _link.Options.BitsPerSecond));
            }
            return;
        }
        var arrived = (Frame)state!;
        if (!_link.IsUp || (arg >> 1) != _link.Epoch || !_to.AdminUp)
        {
            LoseToLinkDown(_to, arrived);
            return;
        }
        if (_link.Taps.Length != 0) _link.Tap(_to, TapDirection.Receive, arrived);
        _to.Deliver(arrived);
    }
}
