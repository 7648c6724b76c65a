using MeshSim.Engine;
using MeshSim.Stack.Iface;
using MeshSim.Wire;

namespace MeshSim.Stack;

// ARP (RFC 826): answer requests for our addresses, learn from requests addressed to us and from
// replies, resolve next hops with retries, and park frames until resolution.
public sealed partial class Host
{
    private void ArpInput(NetInterface iface, Frame frame, Span<byte> payload)
    {
        if (!ArpView.TryCreate(payload, out var view, out var err) || !ArpRepr.TryParse(view, out var arp, out err))
        {
            Drop(iface.Port, frame, ref Counters.Malformed, err.At(14).ToString());
            return;
        }
        bool forUs = arp.TargetProtocolAddress == iface.Address;
        // RFC 826 merge: refresh a known sender; add it when the packet is for us.
        if (iface.Arp.Contains(arp.SenderProtocolAddress) || forUs)
        {
            iface.Arp.Learn(arp.SenderProtocolAddress, arp.SenderHardwareAddress, Sim.Now);
            FlushParked(iface, arp.SenderProtocolAddress, arp.SenderHardwareAddress);
        }
        if (!forUs) return;
        if (arp.Operation == ArpOperation.Request)
        {
            var reply = RentFrame();
            reply.Length = FrameBuilder.ArpReply(reply.Buffer, iface.Mac, iface.Address, arp.SenderHardwareAddress, arp.SenderProtocolAddress);
            iface.Port.Send(reply);
        }
    }

    private void ParkForArp(NetInterface iface, Ipv4Address nextHop, Frame frame)
    {
        if (!iface.Pending.TryGetValue(nextHop, out var pending))
        {
            pending = new PendingResolution();
            iface.Pending.Add(nextHop, pending);
            SendArpRequest(iface, nextHop, pending);
        }
        if (pending.Frames.Count >= Options.ArpQueueFrames)
        {
            Drop(iface.Port, frame, ref Counters.ArpFailed, $"ARP queue for {nextHop} full");
            frame.Release();
            return;
        }
        pending.Frames.Enqueue(frame);
    }

    private void SendArpRequest(NetInterface iface, Ipv4Address target, PendingResolution pending)
    {
        pending.Attempts++;
        var req = RentFrame();
        req.Length = FrameBuilder.ArpRequest(req.Buffer, iface.Mac, iface.Address, target);
        iface.Port.Send(req);
        Sim.Schedule(Options.ArpRetryNs, () => ArpRetry(iface, target, pending));
    }

    private void ArpRetry(NetInterface iface, Ipv4Address target, PendingResolution pending)
    {
        if (!iface.Pending.TryGetValue(target, out var current) || !ReferenceEquals(current, pending)) return; // resolved
        if (pending.Attempts < Options.ArpAttempts) { SendArpRequest(iface, target, pending); return; }
        iface.Pending.Remove(target);
        while (pending.Frames.Count > 0)
        {
            var f = pending.Frames.Dequeue();
            Drop(iface.Port, f, ref Counters.ArpFailed, $"no ARP reply from {target} after {pending.Attempts} requests");
            f.Release();
        }
    }

    private void FlushParked(NetInterface iface, Ipv4Address ip, MacAddress mac)
    {
        if (!iface.Pending.Remove(ip, out var pending)) return;
        while (pending.Frames.Count > 0)
        {
            var f = pending.Frames.Dequeue();
            EthernetView.ForEmit(f.Data).Destination = mac;   // the frame was built with a placeholder
            iface.Port.Send(f);
        }
    }
}
