#!/usr/bin/env python3
"""Watches the mDNS queries one host sends and checks each one's known-answer records.

    mdns_known_answers.py IFACE SOURCE SECONDS

Reads every frame on IFACE (an AF_PACKET socket: run it inside a namespace host, as root) for
SECONDS and parses each mDNS query from SOURCE (an IPv4 address) strictly: every record must
end where its rdata length says, and the rdata of a PTR, SRV, NS or CNAME record must be a
name that ends exactly there. Prints one line per query ("query qd=N an=N ok" or
"query ... MALFORMED: why") and a last line "queries=N ptr_known_answers=N malformed=N".
A responder that cannot parse a query (avahi-daemon) answers none of its questions.
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 3
NAME_TYPES = {2: "NS", 5: "CNAME", 12: "PTR", 33: "SRV"}


class Malformed(Exception):
    pass


def read_name(buf, off, end, hops=0):
    """The name at buf[off:], ending before `end`; returns (name, offset after it)."""
    labels = []
    while True:
        if off >= end:
            raise Malformed("name runs past its bounds at %d" % off)
        n = buf[off]
        if n == 0:
            return ".".join(labels), off + 1
        if n & 0xC0 == 0xC0:
            if off + 2 > end or hops > 16:
                raise Malformed("bad compression pointer at %d" % off)
            target = ((n & 0x3F) << 8) | buf[off + 1]
            if target >= off:
                raise Malformed("forward compression pointer at %d" % off)
            rest, _ = read_name(buf, target, len(buf), hops + 1)
            labels.append(rest)
            return ".".join(labels), off + 2
        if n & 0xC0 or off + 1 + n > end:
            raise Malformed("bad label length %d at %d" % (n, off))
        labels.append(buf[off + 1:off + 1 + n].decode("latin1"))
        off += 1 + n


def check_query(dns):
    """(questions, known answers, PTR known answers); raises Malformed."""
    if len(dns) < 12:
        raise Malformed("short header")
    _, flags, qd, an, ns, ar = struct.unpack("!HHHHHH", dns[:12])
    off = 12
    for _ in range(qd):
        _, off = read_name(dns, off, len(dns))
        if off + 4 > len(dns):
            raise Malformed("question runs past the packet")
        off += 4
    ptrs = 0
    for _ in range(an + ns + ar):
        _, off = read_name(dns, off, len(dns))
        if off + 10 > len(dns):
            raise Malformed("record header runs past the packet")
        rtype, _, _, rdlength = struct.unpack("!HHIH", dns[off:off + 10])
        start, end = off + 10, off + 10 + rdlength
        if end > len(dns):
            raise Malformed("rdata of type %d runs past the packet" % rtype)
        if rtype in NAME_TYPES:
            name_start = start + (6 if rtype == 33 else 0)
            name, after = read_name(dns, name_start, end)
            if after != end:
                raise Malformed("%s rdata of %d bytes holds more than the name %s"
                                % (NAME_TYPES[rtype], rdlength, name))
            ptrs += rtype == 12
        off = end
    if off != len(dns):
        raise Malformed("%d bytes after the last record" % (len(dns) - off))
    return qd, an, ptrs


def main():
    iface, source, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    sock.settimeout(0.1)
    deadline = time.time() + seconds
    queries = ptr_known = malformed = 0
    print("listening", flush=True)
    while time.time() < deadline:
        try:
            frame = sock.recv(65535)
        except socket.timeout:
            continue
        if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
            continue  # IPv4 UDP only
        ihl = (frame[14] & 15) * 4
        src = socket.inet_ntoa(frame[26:30])
        sport, dport = struct.unpack("!HH", frame[14 + ihl:14 + ihl + 4])
        dns = frame[14 + ihl + 8:]
        if src != source or dport != 5353 or len(dns) < 12 or dns[2] & 0x80:
            continue  # not a query from SOURCE
        queries += 1
        try:
            qd, an, ptrs = check_query(dns)
            ptr_known += ptrs
            print("query qd=%d an=%d ok" % (qd, an), flush=True)
        except Malformed as why:
            malformed += 1
            print("query MALFORMED: %s" % why, flush=True)
    print("queries=%d ptr_known_answers=%d malformed=%d" % (queries, ptr_known, malformed),
          flush=True)


if __name__ == "__main__":
    main()
