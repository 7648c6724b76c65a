// Hold-model benchmark for the ns-3 scheduler, the yardstick for MeshSim's event queue.
//
// The classic hold model keeps a fixed population of pending events: each event, when it runs,
// schedules exactly one new event at a random future time. Events per second of wall time at a
// given population measure the scheduler (plus ns-3's per-event allocation, which every ns-3 user
// pays too). Delays are uniform integers in [0, 2 * mean) ns drawn with xoshiro256** and Lemire's
// bounded method: the same generator and draw MeshSim's benchmark uses, so both sides do the same
// work around the queue.
//
// Usage: hold-model --scheduler=Heap|Map|Calendar|List --population=N --events=M [--mean-ns=X] [--seed=S]
// Output: one line of key=value pairs (wall-clock and process CPU time), e.g.
//   scheduler=Heap population=1000 events=5000000 seconds=1.234 events_per_sec=4051863 cpu_seconds=1.2 events_per_cpu_sec=4166666
#include "ns3/core-module.h"

#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <string>

namespace
{

// xoshiro256** seeded with SplitMix64, as in MeshSim's SimRandom.
struct Xoshiro
{
    uint64_t s[4];

    static uint64_t SplitMix(uint64_t& x)
    {
        uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

    explicit Xoshiro(uint64_t seed)
    {
        for (auto& w : s)
        {
            w = SplitMix(seed);
        }
    }

    static uint64_t Rotl(uint64_t x, int k)
    {
        return (x << k) | (x >> (64 - k));
    }

    uint64_t Next()
    {
        uint64_t result = Rotl(s[1] * 5, 7) * 9;
        uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = Rotl(s[3], 45);
        return result;
    }

    // Uniform in [0, bound) without modulo bias (Lemire).
    uint64_t Below(uint64_t bound)
    {
        __uint128_t m = static_cast<__uint128_t>(Next()) * bound;
        uint64_t low = static_cast<uint64_t>(m);
        if (low < bound)
        {
            uint64_t threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                m = static_cast<__uint128_t>(Next()) * bound;
                low = static_cast<uint64_t>(m);
            }
        }
        return static_cast<uint64_t>(m >> 64);
    }
};

Xoshiro* g_rng = nullptr;
uint64_t g_span = 0;
uint64_t g_executed = 0;
uint64_t g_target = 0;

void Hold()
{
    ns3::Simulator::Schedule(ns3::NanoSeconds(g_rng->Below(g_span)), &Hold);
    if (++g_executed == g_target)
    {
        ns3::Simulator::Stop();
    }
}

} // namespace

int main(int argc, char* argv[])
{
    std::string scheduler = "Heap";
    uint64_t population = 1000;
    uint64_t events = 5000000;
    uint64_t meanNs = 1000000;
    uint64_t seed = 1;

    ns3::CommandLine cmd;
    cmd.AddValue("scheduler", "Heap, Map, Calendar or List", scheduler);
    cmd.AddValue("population", "pending events kept in the queue", population);
    cmd.AddValue("events", "events to execute in the timed run", events);
    cmd.AddValue("mean-ns", "mean delay of a new event (uniform in [0, 2*mean))", meanNs);
    cmd.AddValue("seed", "generator seed", seed);
    cmd.Parse(argc, argv);
    if (population == 0 || events == 0 || meanNs == 0)
    {
        std::fprintf(stderr, "hold-model: population, events and mean-ns must be > 0\n");
        return 2;
    }

    ns3::ObjectFactory factory;
    factory.SetTypeId("ns3::" + scheduler + "Scheduler");
    ns3::Simulator::SetScheduler(factory);

    Xoshiro rng(seed);
    g_rng = &rng;
    g_span = 2 * meanNs;
    for (uint64_t i = 0; i < population; i++)
    {
        ns3::Simulator::Schedule(ns3::NanoSeconds(rng.Below(g_span)), &Hold);
    }

    // Warm-up: one pass over the population, untimed (caches, allocator free lists).
    g_target = population;
    ns3::Simulator::Run();

    g_executed = 0;
    g_target = events;
    std::clock_t cpuStart = std::clock();
    auto start = std::chrono::steady_clock::now();
    ns3::Simulator::Run();
    auto stop = std::chrono::steady_clock::now();
    std::clock_t cpuStop = std::clock();
    double seconds = std::chrono::duration<double>(stop - start).count();
    double cpuSeconds = static_cast<double>(cpuStop - cpuStart) / CLOCKS_PER_SEC;

    std::printf("scheduler=%s population=%llu events=%llu seconds=%.6f events_per_sec=%.0f "
                "cpu_seconds=%.6f events_per_cpu_sec=%.0f\n",
                scheduler.c_str(),
                static_cast<unsigned long long>(population),
                static_cast<unsigned long long>(g_executed),
                seconds,
                static_cast<double>(g_executed) / seconds,
                cpuSeconds,
                static_cast<double>(g_executed) / cpuSeconds);
    ns3::Simulator::Destroy();
    return 0;
}
