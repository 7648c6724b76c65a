#!/usr/bin/env python3
"""no-offload.py DEVICE: turn off TX and RX checksum offload on DEVICE (what `ethtool -K DEV
tx off rx off` does), using the SIOCETHTOOL ioctl so the lab needs no ethtool binary.

Why: a veth with TX checksum offload hands frames to the peer with only a partial TCP
checksum. The OVS userspace datapath reads them with AF_PACKET, its conntrack validates
checksums and marks such packets ct_state=+inv, and NAT would rewrite an invalid checksum."""
import array, ctypes, fcntl, socket, struct, sys

SIOCETHTOOL = 0x8946
ETHTOOL_SRXCSUM, ETHTOOL_STXCSUM, ETHTOOL_SSG, ETHTOOL_STSO = 0x15, 0x17, 0x19, 0x1F

def set_flag(sock, dev, cmd, value):
    data = array.array("I", [cmd, value])
    addr, _ = data.buffer_info()
    ifreq = struct.pack("16sP", dev.encode(), addr)
    fcntl.ioctl(sock.fileno(), SIOCETHTOOL, ifreq)

if len(sys.argv) != 2:
    sys.exit("usage: no-offload.py DEVICE")
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    for cmd in (ETHTOOL_STSO, ETHTOOL_SSG, ETHTOOL_STXCSUM, ETHTOOL_SRXCSUM):
        try:
            set_flag(s, sys.argv[1], cmd, 0)
        except OSError as e:  # TSO/SG may already be fixed off; TX/RX csum must succeed
            if cmd in (ETHTOOL_STXCSUM, ETHTOOL_SRXCSUM):
                sys.exit(f"no-offload.py: {sys.argv[1]}: {e}")
