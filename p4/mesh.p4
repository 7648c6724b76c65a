/* mesh.p4 - the MeshSim mesh switch (P4_16, v1model).
 *
 * The readable specification of p4/mesh.json. MeshSim has no P4 compiler: the JSON is emitted by
 * src/MeshSim.P4/Programs/MeshProgram.cs and checked by MeshSim's bmv2 loader; the names of tables,
 * actions, registers and profiles below are the names in the JSON, so simple_switch_CLI commands
 * written for one work for the other. Compile with p4c-bm2-ss to run it on simple_switch.
 *
 *  1. ARP responder for virtual IPs (arp_vip), L2 forwarding/flooding otherwise (l2).
 *  2. VIP load balancing: vip (keyed by the client too) -> lb (action selector over the 5-tuple); the first packet of a
 *     connection pins its backend in conn_table (SilkRoad-style, CRC32 of the 5-tuple), tagged with
 *     the VIP id so that a pin of another VIP is never used; FIN/RST unpin. backend DNATs the address
 *     and the L4 port to the instance's; rev restores the VIP address and the port the client host
 *     binds on replies.
 *  3. Mesh-header L7 routing (l7): method, route prefix, first carried header -> subset or deny;
 *     weighted rollouts are member multiplicities in a subset's selector group; per-rule counters.
 *  4. Circuit breaking: consecutive 5xx responses per instance trip it for a cool-down (tripped_until);
 *     a pick that lands on a tripped instance is retried once with a second selector (lb_retry).
 */
#include <core.p4>
#include <v1model.p4>

const bit<16> ETHERTYPE_ARP  = 0x0806;
const bit<16> ETHERTYPE_IPV4 = 0x0800;
const bit<16> MESH_MAGIC     = 0x4d48;   /* "MH", docs/mesh-header.md */

header ethernet_t { bit<48> dstAddr; bit<48> srcAddr; bit<16> etherType; }
header arp_t {
    bit<16> htype; bit<16> ptype; bit<8> hlen; bit<8> plen; bit<16> oper;
    bit<48> sha; bit<32> spa; bit<48> tha; bit<32> tpa;
}
header ipv4_t {
    bit<4> version; bit<4> ihl; bit<8> diffserv; bit<16> totalLen; bit<16> identification;
    bit<3> flags; bit<13> fragOffset; bit<8> ttl; bit<8> protocol; bit<16> hdrChecksum;
    bit<32> srcAddr; bit<32> dstAddr;
}
header tcp_t {
    bit<16> srcPort; bit<16> dstPort; bit<32> seqNo; bit<32> ackNo; bit<4> dataOffset;
    bit<4> res; bit<8> flags; bit<16> window; bit<16> checksum; bit<16> urgentPtr;
}
header tcp_options_t { varbit<320> options; }
header udp_t { bit<16> srcPort; bit<16> dstPort; bit<16> length_; bit<16> checksum; }
/* Mesh header v2, fixed part (10 bytes). T=0 request (method, route), T=1 response (status).
 * Then the field table (count x 3 bytes: label length, value length), the route, labels and values. */
header mesh_t {
    bit<16> magic; bit<8> version; bit<8> count; bit<16> total_len;
    bit<1> t; bit<4> method; bit<10> status; bit<1> reserved; bit<16> route_len;
}
header mesh_route_t { varbit<16384> route; }
/* The first field table entry (carried header 0's lengths), then the rest of the table, skipped. */
header mesh_h_t { bit<8> label_len; bit<16> value_len; }
header mesh_table_t { varbit<744> entries; }   /* up to 31 more entries of 3 bytes */
header mesh_label_t { varbit<512> label; }

struct meta_t {
    bit<16> l4_len; bit<16> sport; bit<16> dport; bit<8> mesh_room;
    bit<128> route_prefix;    /* first 16 route bytes (lookahead; masked by the rules) */
    bit<64> h0_label;         /* first 8 label bytes of carried header 0 */
    bit<64> h0_value;         /* first 8 value bytes of carried header 0 */
    bit<16> vip; bit<16> subset; bit<32> conn_idx; bit<16> pinned; bit<16> backend; bit<48> slot; bit<32> conn_hash;
    bit<48> until; bit<48> now; bit<16> errs; bit<8> is5xx; bit<8> trip; bit<32> tmp_ip;
}

struct headers {
    ethernet_t ethernet; arp_t arp; ipv4_t ipv4; tcp_t tcp; tcp_options_t tcp_options; udp_t udp;
    mesh_t mesh; mesh_h_t mesh_h0; mesh_table_t mesh_table; mesh_route_t mesh_route; mesh_label_t mesh_h0_label;
}

parser MeshParser(packet_in pkt, out headers hdr, inout meta_t meta, inout standard_metadata_t std) {
    state start {
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.etherType) {
            ETHERTYPE_ARP: parse_arp;
            ETHERTYPE_IPV4: parse_ipv4;
            default: accept;
        }
    }
    state parse_arp { pkt.extract(hdr.arp); transition accept; }
    state parse_ipv4 {
        pkt.extract(hdr.ipv4);
        meta.l4_len = hdr.ipv4.totalLen - ((bit<16>)hdr.ipv4.ihl << 2);
        transition select(hdr.ipv4.ihl, hdr.ipv4.protocol) {   /* IPv4 options are not parsed */
            (5, 6): parse_tcp;
            (5, 17): parse_udp;
            default: accept;
        }
    }
    state parse_tcp {
        pkt.extract(hdr.tcp);
        verify(hdr.tcp.dataOffset >= 5, error.ParserInvalidArgument);
        pkt.extract(hdr.tcp_options, (bit<32>)((((bit<16>)hdr.tcp.dataOffset << 2) - 20) << 3));
        meta.sport = hdr.tcp.srcPort;
        meta.dport = hdr.tcp.dstPort;
        meta.mesh_room = (bit<8>)(bit<1>)((meta.l4_len - ((bit<16>)hdr.tcp.dataOffset << 2)) >= 10);
        transition select(meta.mesh_room) { 1: check_mesh; default: accept; }
    }
    state parse_udp {
        pkt.extract(hdr.udp);
        meta.sport = hdr.udp.srcPort;
        meta.dport = hdr.udp.dstPort;
        meta.mesh_room = (bit<8>)(bit<1>)((hdr.udp.length_ - 8) >= 10);
        transition select(meta.mesh_room) { 1: check_mesh; default: accept; }
    }
    state check_mesh {
        transition select(pkt.lookahead<bit<16>>()) { MESH_MAGIC: parse_mesh; default: accept; }
    }
    state parse_mesh {
        pkt.extract(hdr.mesh);
        /* Requests (t = 0) go on, by whether they carry headers; responses stop here. */
        transition select(hdr.mesh.t, hdr.mesh.count) {
            (0, 0): parse_route;
            (0, _): parse_table;
            default: accept;
        }
    }
    state parse_table {
        /* Version 2 keeps every length up front: entry 0 holds header 0's lengths; the other
         * count - 1 entries are skipped in one variable-length extract. */
        pkt.extract(hdr.mesh_h0);
        pkt.extract(hdr.mesh_table, (bit<32>)(((bit<32>)hdr.mesh.count - 1) * 24));
        transition parse_route;
    }
    state parse_route {
        meta.route_prefix = pkt.lookahead<bit<128>>();
        pkt.extract(hdr.mesh_route, (bit<32>)(hdr.mesh.route_len << 3));
        transition select(hdr.mesh.count) { 0: accept; default: parse_h0; }
    }
    state parse_h0 {
        /* Labels and values follow the route back to back: label 0 first, then value 0. */
        meta.h0_label = pkt.lookahead<bit<64>>();
        pkt.extract(hdr.mesh_h0_label, (bit<32>)(hdr.mesh_h0.label_len << 3));
        meta.h0_value = pkt.lookahead<bit<64>>();
        transition accept;
    }
}

control MeshVerifyChecksum(inout headers hdr, inout meta_t meta) { apply { } }

control MeshIngress(inout headers hdr, inout meta_t meta, inout standard_metadata_t std) {
    register<bit<48>>(65536) conn_table;      /* 5-tuple hash -> digest ++ VIP id ++ pinned backend id (0 = none) */
    register<bit<48>>(1024) tripped_until;    /* backend id -> out of selection until (µs) */
    register<bit<16>>(1024) err_count;        /* backend id -> consecutive 5xx responses */
    direct_counter(CounterType.packets_and_bytes) l7_counter;
    action_selector(HashAlgorithm.crc16, 32w4096, 32w16) backends_a;
    action_selector(HashAlgorithm.crc32, 32w4096, 32w16) backends_b;

    action drop() { mark_to_drop(std); }
    action forward(bit<9> port) { std.egress_spec = port; }
    action flood() { std.mcast_grp = 1; }
    action arp_reply(bit<48> vmac) {
        hdr.ethernet.dstAddr = hdr.ethernet.srcAddr;
        hdr.ethernet.srcAddr = vmac;
        hdr.arp.oper = 2;
        hdr.arp.tha = hdr.arp.sha;
        hdr.arp.sha = vmac;
        meta.tmp_ip = hdr.arp.tpa;
        hdr.arp.tpa = hdr.arp.spa;
        hdr.arp.spa = meta.tmp_ip;
        std.egress_spec = std.ingress_port;
    }
    action conn_lookup() {
        /* One CRC32 of the 5-tuple: the low 16 bits index the slot, the high 16 bits are its digest. */
        hash(meta.conn_hash, HashAlgorithm.crc32, 32w0,
             { hdr.ipv4.srcAddr, hdr.ipv4.dstAddr, hdr.ipv4.protocol, meta.sport, meta.dport }, 64w4294967296);
        meta.conn_idx = meta.conn_hash & 0xffff;
        conn_table.read(meta.slot, meta.conn_idx);
        /* A pin of another connection in the same slot (a closed one's stale pin, or a live one) or of
           another VIP is no pin: the digest and the VIP id must both match. */
        meta.pinned = meta.slot[47:16] == (meta.conn_hash[31:16] ++ meta.vip) ? meta.slot[15:0] : 16w0;
    }
    action set_vip(bit<16> vip) { meta.vip = vip; conn_lookup(); }   /* one table less per VIP packet */
    action set_subset(bit<16> subset) { meta.subset = subset; }
    action deny() { mark_to_drop(std); exit; }
    action pick(bit<16> backend) {
        meta.backend = backend;
        meta.now = std.ingress_global_timestamp;   /* new connections only: compared with until */
        tripped_until.read(meta.until, (bit<32>)backend);
    }
    action pin_conn() { conn_table.write(meta.conn_idx, meta.conn_hash[31:16] ++ meta.vip ++ meta.backend); meta.pinned = meta.backend; }
    action dnat(bit<32> ip, bit<48> mac, bit<9> port, bit<16> l4port) {
        hdr.ipv4.dstAddr = ip;
        hdr.ethernet.dstAddr = mac;
        std.egress_spec = port;
        /* Both transport headers: only the valid one is deparsed and checksummed. */
        hdr.tcp.dstPort = l4port;
        hdr.udp.dstPort = l4port;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
    }
    action stale_pin() { conn_table.write(meta.conn_idx, 0); mark_to_drop(std); }
    action unpin() { conn_table.write(meta.conn_idx, 0); }
    action snat(bit<32> vip_ip, bit<48> vmac, bit<16> vip_port) {
        hdr.ipv4.srcAddr = vip_ip;
        hdr.ethernet.srcAddr = vmac;
        hdr.tcp.srcPort = vip_port;
        hdr.udp.srcPort = vip_port;
    }
    action set_nhop(bit<48> dmac, bit<9> port) {
        hdr.ethernet.dstAddr = dmac;
        std.egress_spec = port;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
    }
    action count_response(bit<16> inst, bit<16> threshold, bit<32> cooldown_us) {
        meta.is5xx = hdr.mesh.status >= 500 ? 8w1 : 8w0;
        err_count.read(meta.errs, (bit<32>)inst);
        meta.errs = meta.is5xx != 0 ? meta.errs + 1 : 16w0;          /* consecutive: a success resets */
        meta.trip = (meta.errs >= threshold && threshold != 0) ? 8w1 : 8w0;
        tripped_until.read(meta.until, (bit<32>)inst);
        meta.until = meta.trip != 0 ? std.ingress_global_timestamp + (bit<48>)cooldown_us : meta.until;
        tripped_until.write((bit<32>)inst, meta.until);
        err_count.write((bit<32>)inst, meta.trip != 0 ? 16w0 : meta.errs);
    }

    table arp_vip {
        key = { hdr.arp.tpa: exact; hdr.arp.oper: exact; }
        actions = { arp_reply; NoAction; }
        default_action = NoAction();
    }
    table l2 {
        key = { hdr.ethernet.dstAddr: exact; }
        actions = { forward; flood; drop; }
        default_action = flood();
    }
    table cb_instance {
        key = { hdr.ipv4.srcAddr: exact; }
        actions = { count_response; NoAction; }
        default_action = NoAction();
    }
    table vip {
        /* virtual IP, protocol, bind port, and the client: a bind port means what the client host's binding says */
        key = { hdr.ipv4.dstAddr: exact; hdr.ipv4.protocol: exact; meta.dport: exact; hdr.ipv4.srcAddr: exact; }
        actions = { set_vip; NoAction; }
        default_action = NoAction();
    }
    table l7 {
        key = {
            meta.vip: exact; hdr.mesh.method: ternary; hdr.mesh.route_len: range; meta.route_prefix: ternary;
            hdr.mesh_h0.label_len: ternary; meta.h0_label: ternary; hdr.mesh_h0.value_len: ternary; meta.h0_value: ternary;
        }
        actions = { set_subset; deny; NoAction; }
        default_action = NoAction();
        counters = l7_counter;
        size = 4096;
    }
    table lb {
        key = { meta.vip: exact; meta.subset: exact; hdr.ipv4.srcAddr: selector; hdr.ipv4.dstAddr: selector;
                hdr.ipv4.protocol: selector; meta.sport: selector; meta.dport: selector; }
        actions = { pick; NoAction; }
        implementation = backends_a;
    }
    table lb_retry {
        key = { meta.vip: exact; meta.subset: exact; hdr.ipv4.srcAddr: selector; hdr.ipv4.dstAddr: selector;
                hdr.ipv4.protocol: selector; meta.sport: selector; meta.dport: selector; }
        actions = { pick; NoAction; }
        implementation = backends_b;
    }
    table backend {
        key = { meta.pinned: exact; }
        actions = { dnat; stale_pin; }
        default_action = stale_pin();
    }
    table rev {
        /* instance address and port, and the client (the VIP port a client binds is per client) */
        key = { hdr.ipv4.srcAddr: exact; hdr.ipv4.protocol: exact; meta.sport: exact; hdr.ipv4.dstAddr: exact; }
        actions = { snat; NoAction; }
        default_action = NoAction();
    }
    table fwd {
        key = { hdr.ipv4.dstAddr: lpm; }
        actions = { set_nhop; drop; }
        default_action = drop();
    }

    apply {
        /* l2 is reached from two places; P4 applies a table once, so a flag joins them
           (the JSON graph links both predecessors to the l2 node directly). */
        bool to_l2 = false;
        if (hdr.arp.isValid()) {
            if (arp_vip.apply().miss) { to_l2 = true; }
        } else if (hdr.ipv4.isValid()) {
            if (hdr.mesh.isValid() && hdr.mesh.t == 1) { cb_instance.apply(); }
            if (vip.apply().hit) {
                if (hdr.mesh.isValid() && hdr.mesh.t == 0) {
                    switch (l7.apply().action_run) { deny: { exit; } }
                }
                if (meta.pinned == 0) {
                    lb.apply();
                    if (meta.until > meta.now) { lb_retry.apply(); }
                    pin_conn();
                }
                if (backend.apply().hit) {
                    if (hdr.tcp.isValid() && (hdr.tcp.flags & 0x05) != 0) { unpin(); }
                }
            } else {
                rev.apply();
                fwd.apply();
            }
        } else {
            to_l2 = true;
        }
        if (to_l2) { l2.apply(); }
    }
}

control MeshEgress(inout headers hdr, inout meta_t meta, inout standard_metadata_t std) { apply { } }

control MeshComputeChecksum(inout headers hdr, inout meta_t meta) {
    apply {
        update_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.diffserv, hdr.ipv4.totalLen, hdr.ipv4.identification,
              hdr.ipv4.flags, hdr.ipv4.fragOffset, hdr.ipv4.ttl, hdr.ipv4.protocol, hdr.ipv4.srcAddr, hdr.ipv4.dstAddr },
            hdr.ipv4.hdrChecksum, HashAlgorithm.csum16);
        update_checksum_with_payload(hdr.tcp.isValid(),
            { hdr.ipv4.srcAddr, hdr.ipv4.dstAddr, 8w0, hdr.ipv4.protocol, meta.l4_len,
              hdr.tcp.srcPort, hdr.tcp.dstPort, hdr.tcp.seqNo, hdr.tcp.ackNo, hdr.tcp.dataOffset, hdr.tcp.res,
              hdr.tcp.flags, hdr.tcp.window, hdr.tcp.urgentPtr, hdr.tcp_options },
            hdr.tcp.checksum, HashAlgorithm.csum16);
        /* UDP checksum 0 means "none" (RFC 768): only refresh checksums that were present. */
        update_checksum_with_payload(hdr.udp.isValid() && hdr.udp.checksum != 0,
            { hdr.ipv4.srcAddr, hdr.ipv4.dstAddr, 8w0, hdr.ipv4.protocol, meta.l4_len,
              hdr.udp.srcPort, hdr.udp.dstPort, hdr.udp.length_ },
            hdr.udp.checksum, HashAlgorithm.csum16);
    }
}

control MeshDeparser(packet_out pkt, in headers hdr) {
    apply {
        pkt.emit(hdr.ethernet); pkt.emit(hdr.arp); pkt.emit(hdr.ipv4); pkt.emit(hdr.tcp); pkt.emit(hdr.tcp_options);
        pkt.emit(hdr.udp); pkt.emit(hdr.mesh); pkt.emit(hdr.mesh_h0); pkt.emit(hdr.mesh_table); pkt.emit(hdr.mesh_route);
        pkt.emit(hdr.mesh_h0_label);
    }
}

V1Switch(MeshParser(), MeshVerifyChecksum(), MeshIngress(), MeshEgress(), MeshComputeChecksum(), MeshDeparser()) main;
