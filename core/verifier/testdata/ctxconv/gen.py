#!/usr/bin/env python3
"""Writes the questions of the context-rewrite test (ctxconv_test.go): one
program per context field, access size and register pattern, for the
program types whose ctx rewrite the test covers. Ask the kernel with

  python3 gen.py > /tmp/ctxconv.in.jsonl
  scripts/oracle.sh /tmp/ctxconv.in.jsonl /tmp/ctxconv.out.jsonl
  python3 gen.py --merge /tmp/ctxconv.out.jsonl | gzip -9 > ctxconv.jsonl.gz

--merge keeps of each answer what the test uses (ok, errno, xlated).
Offsets are those of Linux 6.1's uapi structs (include/uapi/linux/bpf.h).
"""
import json
import sys


def insn(op, dst=0, src=0, off=0, imm=0):
    return (bytes([op, dst | src << 4]) + off.to_bytes(2, 'little', signed=True)
            + (imm & 0xffffffff).to_bytes(4, 'little')).hex()


def mov_reg(dst, src):
    return insn(0xbf, dst, src)


def mov_imm(dst, imm):
    return insn(0xb7, dst, 0, 0, imm)


LDX = {1: 0x71, 2: 0x69, 4: 0x61, 8: 0x79}
STX = {1: 0x73, 2: 0x6b, 4: 0x63, 8: 0x7b}
ST = {1: 0x72, 2: 0x6a, 4: 0x62, 8: 0x7a}
EXIT = insn(0x95)

# Register patterns: loads (dst, src) and stores (ctx, value). r1 holds the
# context at entry; the other registers get a copy of it or a value first.
LOADS = [(0, 1), (1, 1), (9, 9), (8, 8), (9, 8)]
STORES = [(1, 2), (9, 8), (8, 9), (9, 2), (2, 9), (1, 1)]
# Stores of an immediate (BPF_ST), through these context registers.
ST_CTX = [1, 9]


def load_prog(dst, src, size, off):
    p = []
    if src != 1:
        p.append(mov_reg(src, 1))
    p.append(insn(LDX[size], dst, src, off))
    p += [mov_imm(0, 1), EXIT]
    return p


def store_prog(ctx, val, size, off):
    p = []
    if ctx != 1:
        p.append(mov_reg(ctx, 1))
    if val != ctx:
        p.append(mov_imm(val, 7))
    p.append(insn(STX[size], ctx, val, off))
    p += [mov_imm(0, 1), EXIT]
    return p


def st_prog(ctx, size, off):
    p = []
    if ctx != 1:
        p.append(mov_reg(ctx, 1))
    p.append(insn(ST[size], ctx, 0, off, 7))
    p += [mov_imm(0, 1), EXIT]
    return p


def sizes(field_size, narrow):
    """Access sizes to try at each offset of a field."""
    if narrow:
        return [s for s in (1, 2, 4, 8) if s <= field_size]
    return [field_size]


# (prog_type, attach types, struct name, fields: (name, offset, size,
# narrow loads, writable))
U32 = 4
SOCK_OPS = [('op', 0, 4)] + [('args[%d]' % i, 4 + 4 * i, 4) for i in range(4)] + [
    ('family', 20, 4), ('remote_ip4', 24, 4), ('local_ip4', 28, 4)] + [
    ('remote_ip6[%d]' % i, 32 + 4 * i, 4) for i in range(4)] + [
    ('local_ip6[%d]' % i, 48 + 4 * i, 4) for i in range(4)] + [
    (n, 64 + 4 * i, 4) for i, n in enumerate(
        'remote_port local_port is_fullsock snd_cwnd srtt_us bpf_sock_ops_cb_flags state rtt_min '
        'snd_ssthresh rcv_nxt snd_nxt snd_una mss_cache ecn_flags rate_delivered rate_interval_us '
        'packets_out retrans_out total_retrans segs_in data_segs_in segs_out data_segs_out lost_out '
        'sacked_out sk_txhash'.split())] + [
    ('bytes_received', 168, 8), ('bytes_acked', 176, 8), ('sk', 184, 8), ('skb_data', 192, 8),
    ('skb_data_end', 200, 8), ('skb_len', 208, 4), ('skb_tcp_flags', 212, 4)]

TYPES = [
    # prog_type, attach type, fields, narrow fields, written fields
    ('sock_ops', None, SOCK_OPS, {'skb_tcp_flags'}, {'args[0]', 'sk_txhash'}),
    ('cgroup_sockopt', 'cgroup_getsockopt',
     [('sk', 0, 8), ('optval', 8, 8), ('optval_end', 16, 8), ('level', 24, 4), ('optname', 28, 4),
      ('optlen', 32, 4), ('retval', 36, 4)], set(), {'optlen', 'retval'}),
    ('cgroup_sockopt', 'cgroup_setsockopt',
     [('sk', 0, 8), ('optval', 8, 8), ('optval_end', 16, 8), ('level', 24, 4), ('optname', 28, 4),
      ('optlen', 32, 4), ('retval', 36, 4)], set(), {'level', 'optname', 'optlen'}),
    ('cgroup_sysctl', None, [('write', 0, 4), ('file_pos', 4, 4)], {'write', 'file_pos'}, {'file_pos'}),
    ('sk_reuseport', 'sk_reuseport_select_or_migrate',
     [('data', 0, 8), ('data_end', 8, 8), ('len', 16, 4), ('eth_protocol', 20, 4), ('ip_protocol', 24, 4),
      ('bind_inany', 28, 4), ('hash', 32, 4), ('sk', 40, 8), ('migrating_sk', 48, 8)],
     {'len', 'eth_protocol', 'ip_protocol', 'bind_inany'}, set()),
    ('sk_reuseport', 'sk_reuseport_select',
     [('data', 0, 8), ('data_end', 8, 8), ('len', 16, 4), ('eth_protocol', 20, 4), ('ip_protocol', 24, 4),
      ('bind_inany', 28, 4), ('hash', 32, 4), ('sk', 40, 8), ('migrating_sk', 48, 8)],
     {'len', 'eth_protocol', 'ip_protocol', 'bind_inany'}, set()),
]


def questions():
    for ptype, attach, fields, narrow, written in TYPES:
        tname = ptype + ('/' + attach if attach else '')
        for name, off, fsize in fields:
            for size in sizes(fsize, name in narrow):
                for o in range(off, off + fsize, size):
                    for dst, src in LOADS:
                        yield tname, ptype, attach, '%s/ldx%d+%d/r%d=r%d' % (name, size, o - off, dst, src), \
                            load_prog(dst, src, size, o)
            if name in written:
                for ctx, val in STORES:
                    yield tname, ptype, attach, '%s/stx%d/r%d<-r%d' % (name, fsize, ctx, val), \
                        store_prog(ctx, val, fsize, off)
                for ctx in ST_CTX:
                    yield tname, ptype, attach, '%s/st%d/r%d' % (name, fsize, ctx), st_prog(ctx, fsize, off)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--merge':
        answers = {}
        for line in open(sys.argv[2]):
            a = json.loads(line)
            answers[a['name']] = a
    elif len(sys.argv) == 1:
        answers = None
    else:
        sys.exit(__doc__)
    for tname, ptype, attach, what, prog in questions():
        r = {'name': tname + ':' + what, 'prog_type': ptype}
        if attach:
            r['expected_attach_type'] = attach
        r['insns'] = ' '.join(prog)
        if answers is not None:
            a = answers[r['name']]
            k = {'ok': a['ok'], 'errno': a.get('errno', 0)}
            if a.get('xlated'):
                k['xlated'] = a['xlated']
            r['kernel'] = k
        print(json.dumps(r))


if __name__ == '__main__':
    main()
