#!/usr/bin/env python3
"""Builds program records (FORMATS.md) from the C programs here.

Each program is compiled with Debian's clang (-O2 -g -target bpf); its
program section (and .text, for bpf-to-bpf calls) become the record's
instructions, and the maps of its "maps" section the record's maps, with
the ld_imm64 relocations as fixups. Run the kernel oracle on the output
to get Linux 6.1's answers:

    python3 build.py /tmp/rw.jsonl
    scripts/oracle.sh /tmp/rw.jsonl /tmp/rw.out.jsonl
    python3 build.py --merge /tmp/rw.jsonl /tmp/rw.out.jsonl realworld.jsonl.gz
"""
import gzip, json, os, struct, subprocess, sys, tempfile

MAP_TYPES = {1: 'hash', 2: 'array', 4: 'perf_event_array', 5: 'percpu_hash', 6: 'percpu_array',
             9: 'lru_hash', 27: 'ringbuf'}
PROG_TYPES = {'xdp': ('xdp', None), 'tc': ('sched_cls', None), 'kprobe': ('kprobe', None),
              'socket': ('socket_filter', None), 'cgroup_skb/egress': ('cgroup_skb', 'cgroup_inet_egress'),
              'cgroup_skb/ingress': ('cgroup_skb', 'cgroup_inet_ingress')}

def elf(path):
    b = open(path, 'rb').read()
    shoff, = struct.unpack_from('<Q', b, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from('<HHH', b, 0x3a)
    secs = []
    for i in range(shnum):
        name, typ, flags, addr, off, size, link, info, align, entsize = struct.unpack_from('<IIQQQQIIQQ', b, shoff + i * shentsize)
        secs.append(dict(name=name, type=typ, flags=flags, off=off, size=size, link=link, info=info, entsize=entsize))
    strtab = secs[shstrndx]
    for s in secs:
        s['name'] = b[strtab['off'] + s['name']:].split(b'\0', 1)[0].decode()
        s['data'] = b[s['off']:s['off'] + s['size']] if s['type'] != 8 else b''
    symtab = next(s for s in secs if s['type'] == 2)
    symstr = secs[symtab['link']]
    syms = []
    for i in range(symtab['size'] // 24):
        name, info, other, shndx, value, size = struct.unpack_from('<IBBHQQ', symtab['data'], i * 24)
        syms.append(dict(name=symstr['data'][name:].split(b'\0', 1)[0].decode(), shndx=shndx, value=value, info=info))
    return secs, syms

def relocs(secs, idx):
    out = []
    for s in secs:
        if s['type'] == 9 and s['info'] == idx:
            for i in range(s['size'] // 16):
                off, info = struct.unpack_from('<QQ', s['data'], i * 16)
                out.append((off, info >> 32, info & 0xffffffff))
    return out

def build(path):
    secs, syms = elf(path)
    maps_idx = next((i for i, s in enumerate(secs) if s['name'] == 'maps'), None)
    mapsec = secs[maps_idx]['data'] if maps_idx is not None else b''
    maps = []
    for i in range(len(mapsec) // 20):
        t, k, v, n, f = struct.unpack_from('<5I', mapsec, i * 20)
        name = next(s['name'] for s in syms if s['shndx'] == maps_idx and s['value'] == i * 20)
        maps.append(dict(type=MAP_TYPES[t], key_size=k, value_size=v, max_entries=n, flags=f, name=name, fixups=[]))
    progs = [(i, s) for i, s in enumerate(secs) if s['flags'] & 4 and s['size'] and s['name'] != '.text']
    text_idx = next((i for i, s in enumerate(secs) if s['name'] == '.text'), None)
    out = []
    for idx, sec in progs:
        insns = bytearray(sec['data'])
        main_len = len(insns) // 8
        rels = [(off, idx, sym, typ) for off, sym, typ in relocs(secs, idx)]
        if text_idx is not None and secs[text_idx]['size']:
            insns += secs[text_idx]['data']
            rels += [(off + main_len * 8, text_idx, sym, typ) for off, sym, typ in relocs(secs, text_idx)]
        for off, sidx, symi, typ in rels:
            sym = syms[symi]
            pc = off // 8
            if sym['shndx'] == maps_idx:
                mi = sym['value'] // 20
                maps[mi]['fixups'].append(pc)
                insns[off + 1] = (insns[off + 1] & 0x0f) | 0x10  # src 1: map fd
            elif sym['shndx'] == text_idx:
                imm, = struct.unpack_from('<i', insns, off + 4)
                target = main_len + sym['value'] // 8 + imm + 1
                struct.pack_into('<i', insns, off + 4, target - pc - 1)
        base = os.path.basename(path)[:-2]
        pt, at = PROG_TYPES.get(sec['name']) or PROG_TYPES[sec['name'].split('/')[0]]
        used = [m for m in maps if m['fixups']]
        r = dict(name='bpfplay/realworld: %s (%s)' % (base, sec['name']), prog_type=pt, insns=insns.hex(),
                 maps=used, prog_flags=0)
        if at:
            r['expected_attach_type'] = at
        out.append(r)
    return out

def main():
    if sys.argv[1] == '--merge':
        ins = [json.loads(l) for l in open(sys.argv[2])]
        outs = [json.loads(l) for l in open(sys.argv[3])]
        with gzip.open(sys.argv[4], 'wt') as f:
            for i, o in zip(ins, outs):
                o.pop('name', None)
                i['kernel'] = {k: o[k] for k in ('ok', 'errno', 'log', 'insns_processed', 'xlated') if k in o}
                f.write(json.dumps(i, separators=(',', ':')) + '\n')
        return
    here = os.path.dirname(os.path.abspath(__file__))
    recs = []
    with tempfile.TemporaryDirectory() as tmp:
        for c in sorted(os.listdir(here)):
            if not c.endswith('.c'):
                continue
            o = os.path.join(tmp, c[:-2] + '.o')
            subprocess.check_call(['clang', '-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu',
                                   '-c', os.path.join(here, c), '-o', o])
            recs += build(o)
    with open(sys.argv[1], 'w') as f:
        for r in recs:
            f.write(json.dumps(r) + '\n')
    print(len(recs), 'programs')

main()
