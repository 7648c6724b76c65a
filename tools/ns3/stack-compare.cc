// ns-3 side of the MeshSim stack benchmark (tools/MeshSim.Benchmarks/Stack/BulkTcpScenario.cs is
// the MeshSim side). Same scenario on both: 4 hosts, each on its own 1 Gbit/s, 100 us link to one
// switch; two bulk TCP flows (h1 -> h3, h2 -> h4) for 1 simulated second. Prints the wall time and
// the frames put on links, so link frames per wall second compare directly.
// Links are full-duplex point-to-point devices. ns-3's BridgeNetDevice cannot bridge them (it needs
// SendFrom, which PointToPointNetDevice lacks) and CSMA channels are half-duplex with the
// propagation delay holding the medium (at 100 us that caps a link near 85 Mbit/s), so the switch
// node forwards at IPv4 instead: one /30 per link, global routing. Per forwarded frame that is at
// least as much work for ns-3 as a bridge lookup.
//
// Build: tools/ns3/stack-compare.sh
#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"

#include <chrono>
#include <iostream>

using namespace ns3;

static uint64_t g_frames = 0;

static void
OnPhyTxBegin(Ptr<const Packet>)
{
    g_frames++;
}

int
main(int argc, char* argv[])
{
    double seconds = 1.0;
    CommandLine cmd;
    cmd.AddValue("seconds", "simulated seconds", seconds);
    cmd.Parse(argc, argv);

    // MeshSim's hosts run Reno congestion control with SACK and timestamps on, as Linux's defaults
    // (1448 data bytes beside the 12 timestamp option bytes: 1500-byte packets); make ns-3 match.
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(1448));
    Config::SetDefault("ns3::TcpL4Protocol::SocketType", StringValue("ns3::TcpNewReno"));
    Config::SetDefault("ns3::TcpSocketBase::Sack", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocketBase::Timestamp", BooleanValue(true));
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(256 * 1024));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(256 * 1024));

    NodeContainer hosts;
    hosts.Create(4);
    Ptr<Node> sw = CreateObject<Node>();

    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate("1Gbps")));
    p2p.SetChannelAttribute("Delay", TimeValue(MicroSeconds(100)));
    // Same drop-tail depth as MeshSim's default link queue (1000 frames).
    p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("1000p"));

    InternetStackHelper stack;
    stack.Install(hosts);
    stack.Install(sw);

    NetDeviceContainer hostDevs, swDevs;
    Ipv4AddressHelper addr;
    std::vector<Ipv4Address> hostAddr;
    for (uint32_t i = 0; i < 4; i++)
    {
        NetDeviceContainer pair = p2p.Install(hosts.Get(i), sw);
        hostDevs.Add(pair.Get(0));
        swDevs.Add(pair.Get(1));
        std::ostringstream net;
        net << "10.0." << i << ".0";
        addr.SetBase(net.str().c_str(), "255.255.255.252");
        hostAddr.push_back(addr.Assign(pair).GetAddress(0));
    }
    Ipv4GlobalRoutingHelper::PopulateRoutingTables();

    ApplicationContainer apps;
    for (uint32_t f = 0; f < 2; f++)
    {
        uint16_t port = 5000 + f;
        BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(hostAddr[2 + f], port));
        bulk.SetAttribute("MaxBytes", UintegerValue(0));
        bulk.SetAttribute("SendSize", UintegerValue(64 * 1024));
        apps.Add(bulk.Install(hosts.Get(f)));
        PacketSinkHelper sink("ns3::TcpSocketFactory", InetSocketAddress(Ipv4Address::GetAny(), port));
        apps.Add(sink.Install(hosts.Get(2 + f)));
    }
    apps.Start(Seconds(0.0));

    for (uint32_t i = 0; i < 4; i++)
    {
        hostDevs.Get(i)->GetObject<PointToPointNetDevice>()->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&OnPhyTxBegin));
        swDevs.Get(i)->GetObject<PointToPointNetDevice>()->TraceConnectWithoutContext("PhyTxBegin", MakeCallback(&OnPhyTxBegin));
    }

    Simulator::Stop(Seconds(seconds));
    auto t0 = std::chrono::steady_clock::now();
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    uint64_t received = 0;
    for (uint32_t f = 0; f < 2; f++)
        received += DynamicCast<PacketSink>(apps.Get(2 * f + 1))->GetTotalRx();
    std::cout << "ns3 simulated_s=" << seconds << " wall_s=" << wall << " link_frames=" << g_frames
              << " link_frames_per_wall_s=" << (uint64_t)(g_frames / wall)
              << " goodput_mbps=" << received * 8.0 / seconds / 1e6 << std::endl;
    Simulator::Destroy();
    return 0;
}
