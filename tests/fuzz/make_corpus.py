#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write the seed corpus of tests/fuzz/dns_parse_fuzz.c.

Each seed is one small DNS message (or DNS over TCP payload) named for what
it holds: real-looking queries and responses, and malformed ones, one per
reason the parser rejects a message for.  Standard library only; the output
is the same on every run.

    python3 tests/fuzz/make_corpus.py [OUTPUT_DIR]
"""
import os
import struct
import sys

QR, AA, TC, RD, RA = 0x8000, 0x0400, 0x0200, 0x0100, 0x0080
RESPONSE = QR | RD | RA
A, NS, CNAME, SOA, PTR, MX, TXT, AAAA, OPT, HTTPS = 1, 2, 5, 6, 12, 15, 16, 28, 41, 65
IN = 1
QNAME = 12  # offset of the first question's name


def header(ident, flags, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!6H", ident, flags, qd, an, ns, ar)


def name(dotted):
    out = b""
    for label in dotted.split(".") if dotted else []:
        raw = label.encode()
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def ptr(offset):
    return struct.pack("!H", 0xC000 | offset)


def question(dotted, qtype):
    return name(dotted) + struct.pack("!HH", qtype, IN)


def rr(owner, rtype, ttl, rdata, rclass=IN):
    return owner + struct.pack("!HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def opt(udp=1232, ext_rcode=0, version=0, do=False, options=b""):
    ttl = ext_rcode << 24 | version << 16 | (0x8000 if do else 0)
    return rr(b"\0", OPT, ttl, options, rclass=udp)


def cookie(client=b"\x01\x02\x03\x04\x05\x06\x07\x08", server=b""):
    data = client + server
    return struct.pack("!HH", 10, len(data)) + data


def ipv4(text):
    return bytes(int(x) for x in text.split("."))


def ipv6_doc(last):
    return bytes([0x20, 0x01, 0x0D, 0xB8] + [0] * 11 + [last])


def tcp(*messages):
    return b"".join(struct.pack("!H", len(m)) + m for m in messages)


def soa(zone_ptr):
    rdata = name("ns1.example.com") + name("hostmaster.example.com")
    rdata += struct.pack("!5I", 2024010101, 7200, 3600, 1209600, 300)
    return rr(zone_ptr, SOA, 900, rdata)


def resp_a():
    return (header(0x1234, RESPONSE, an=1) + question("example.com", A)
            + rr(ptr(QNAME), A, 3600, ipv4("93.184.216.34")))


def resp_cname_chain(qtype=A):
    msg = header(0x2222, RESPONSE, an=4, ar=1) + question("www.example.com", qtype)
    cdn = len(msg) + 12
    msg += rr(ptr(QNAME), CNAME, 300, name("cdn.example.net"))
    edge = len(msg) + 12
    msg += rr(ptr(cdn), CNAME, 60, b"\x04edge" + ptr(cdn))
    if qtype == A:
        addrs = [ipv4("192.0.2.1"), ipv4("192.0.2.2")]
    else:
        addrs = [ipv6_doc(1), ipv6_doc(2)]
    for addr in addrs:
        msg += rr(ptr(edge), qtype, 120, addr)
    return msg + opt(do=True)


def resp_nxdomain():
    msg = header(0x3333, RESPONSE | AA | 3, ns=1, ar=1) + question("nope.example.com", A)
    return msg + soa(ptr(QNAME + 5)) + opt(options=cookie(server=b"\xaa" * 8))


def resp_mx():
    msg = header(0x4444, RESPONSE, an=1, ns=1, ar=2) + question("example.org", MX)
    mx = len(msg) + 14
    msg += rr(ptr(QNAME), MX, 600, struct.pack("!H", 10) + b"\x04mail" + ptr(QNAME))
    msg += rr(ptr(QNAME), NS, 600, b"\x03ns1" + ptr(QNAME))
    msg += rr(ptr(mx), A, 600, ipv4("198.51.100.25"))
    return msg + opt(udp=4096)


def resp_many_answers(count=40):
    msg = header(0x5555, RESPONSE, an=count) + question("many.example", A)
    for i in range(count):
        msg += rr(ptr(QNAME), A, 100 + i, bytes([10, 0, 0, i]))
    return msg


def resp_cname_loop():
    msg = header(0x333A, RESPONSE, an=2) + question("a.example", A)
    b = len(msg) + 12
    msg += rr(ptr(QNAME), CNAME, 10, name("b.example"))
    return msg + rr(ptr(b), CNAME, 10, ptr(QNAME))


def resp_long_chain(hops=17):
    msg = header(0x333B, RESPONSE, an=hops + 1) + question("q.example", A)
    owner = QNAME
    for i in range(1, hops + 1):
        target = len(msg) + 12
        msg += rr(ptr(owner), CNAME, 100 + i, name(f"h{i}.example"))
        owner = target
    return msg + rr(ptr(owner), A, 1000, ipv4("192.0.2.9"))


def too_many_pointers(questions=66):
    msg = header(0x6666, 0, qd=questions) + question("x", A)
    prev = QNAME
    for _ in range(questions - 1):
        here = len(msg)
        msg += ptr(prev) + struct.pack("!HH", A, IN)
        prev = here
    return msg


def labels(*sizes):
    return b"".join(bytes([n]) + bytes([0x61 + i]) * n for i, n in enumerate(sizes)) + b"\0"


def query_with(raw_name, qd=1):
    return header(0x7777, RD, qd=qd) + raw_name + struct.pack("!HH", A, IN)


def seeds():
    query = header(0xBEEF, RD, ar=1) + question("www.example.com", A) + opt(options=cookie())
    good = {
        "query_a": query,
        "query_aaaa": header(0xBEF0, RD) + question("ipv6.example.com", AAAA),
        "query_https": header(0xBEF1, RD, ar=1) + question("example.net", HTTPS) + opt(),
        "query_ptr": header(0xBEF2, RD) + question("34.216.184.93.in-addr.arpa", PTR),
        "query_two_questions": header(0xBEF3, RD, qd=2)
        + question("a.example", A) + question("b.example", AAAA),
        "resp_a": resp_a(),
        "resp_aaaa": header(0x1235, RESPONSE, an=1) + question("example.com", AAAA)
        + rr(ptr(QNAME), AAAA, 3600, ipv6_doc(0x34)),
        "resp_cname_chain_a": resp_cname_chain(A),
        "resp_cname_chain_aaaa": resp_cname_chain(AAAA),
        "resp_nxdomain": resp_nxdomain(),
        "resp_servfail": header(0x3334, RESPONSE | 2) + question("broken.example", A),
        "resp_refused": header(0x3335, RESPONSE | 5) + question("example.com", TXT),
        "resp_badvers": header(0x3336, RESPONSE, ar=1) + question("example.com", A)
        + opt(ext_rcode=1),
        "resp_tc": header(0x3337, RESPONSE | TC, ar=1) + question("big.example", TXT) + opt(),
        "resp_zero_questions": header(0x3338, RESPONSE | 1, qd=0),
        "resp_mx_glue": resp_mx(),
        "resp_many_answers": resp_many_answers(),
        "resp_https": header(0x3339, RESPONSE, an=1) + question("example.net", HTTPS)
        + rr(ptr(QNAME), HTTPS, 300, struct.pack("!H", 1) + b"\0"
             + struct.pack("!HH", 1, 3) + b"\x02h2"),
        "resp_cname_loop": resp_cname_loop(),
        "name_escapes": query_with(b"\x03a.b\x0aback\\slash\x04\x00 \x7f\xff\x05MiXeD\0"),
        "name_255": query_with(labels(63, 63, 63, 61)),
        "name_root": header(0x7778, RD) + question("", NS),
        "resp_cname_chain_too_long": resp_long_chain(),
        "resp_chaos_version": header(0x333C, RESPONSE, an=1)
        + name("version.bind") + struct.pack("!HH", TXT, 3)
        + rr(ptr(QNAME), TXT, 0, b"\x069.18.0", rclass=3),
        "query_unknown_type": header(0x333D, RD) + question("example.com", 0xFF00),
        "tcp_single": tcp(resp_a()),
        "tcp_two": tcp(query, resp_a()),
        "tcp_two_and_partial": tcp(resp_a(), resp_cname_chain())
        + struct.pack("!H", 80) + resp_nxdomain()[:20],
        "tcp_partial_prefix": tcp(resp_a()) + b"\x00",
    }
    a_resp = resp_a()
    bad = {
        "bad_short_header": a_resp[:7],
        "bad_truncated_question": a_resp[:27],
        "bad_truncated_authority": resp_nxdomain()[:60],
        "bad_truncated_additional": resp_mx()[:-14],
        "bad_name_pointer_cut": header(1, RD) + b"\x01a\xc0",
        "bad_label_past_end": header(1, RD) + b"\x0aab",
        "bad_cname_rdlength": header(7, RESPONSE, an=1) + question("c.example", A)
        + rr(ptr(QNAME), CNAME, 1, name("t.example") + b"\0"),
        "bad_misplaced_opt_authority": header(4, RESPONSE, qd=0, ns=1) + opt(),
        "bad_opt_option_cut": header(5, RESPONSE, qd=0, ar=1)
        + opt(options=struct.pack("!H", 10)),
        "bad_truncated_rr": a_resp[:35],
        "bad_truncated_rdata": a_resp[:-2],
        "bad_name_unterminated": header(1, RD) + b"\x03abc",
        "bad_pointer_loop": query_with(b"\x01a" + ptr(QNAME)),
        "bad_pointer_forward": query_with(ptr(QNAME + 2) + b"\0"),
        "bad_pointer_self": query_with(ptr(QNAME)),
        "bad_pointer_past_end": query_with(b"\xff\xff"),
        "bad_too_many_pointers": too_many_pointers(),
        "bad_label_0x40": query_with(b"\x40" + b"a" * 64 + b"\0"),
        "bad_label_0x80": query_with(b"\x80\0"),
        "bad_name_256": query_with(labels(63, 63, 63, 62)),
        "bad_name_long_decompressed": header(2, RESPONSE, an=1) + labels(63, 63, 63)
        + struct.pack("!HH", A, IN) + b"\x28" + b"z" * 40 + b"\x28" + b"y" * 40 + ptr(QNAME)
        + struct.pack("!HHIH", NS, IN, 1, 0),
        "bad_rdlength_overflow": a_resp[:-6] + b"\x00\x64" + a_resp[-4:],
        "bad_a_rdlength": a_resp[:-6] + b"\x00\x05" + a_resp[-4:] + b"\x01",
        "bad_duplicate_opt": header(3, RESPONSE, qd=0, ar=2) + opt() + opt(),
        "bad_misplaced_opt": header(4, RESPONSE, qd=0, an=1) + opt(),
        "bad_opt_option": header(5, RESPONSE, qd=0, ar=1)
        + opt(options=struct.pack("!HH", 10, 8) + b"\0\0"),
        "bad_opt_owner": header(6, RESPONSE, qd=0, ar=1)
        + rr(name("x"), OPT, 0, b"", rclass=1232),
        "bad_many_questions": query_with(name("a.example"), qd=0xFFFF),
    }
    return {**good, **bad}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus", "dns_parse")
    os.makedirs(out, exist_ok=True)
    for seed_name, data in sorted(seeds().items()):
        with open(os.path.join(out, seed_name), "wb") as f:
            f.write(data)
    print(f"{len(seeds())} seeds in {out}")


if __name__ == "__main__":
    main()
