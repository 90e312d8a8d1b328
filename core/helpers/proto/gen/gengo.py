# Generates the body of core/helpers/proto/protos.go's protoTable from extract.py's JSON
# (facts: each prototype's argument and return kinds).
import json,re
d=json.load(open('/tmp/gen/protos.json'))
def camel(tok):
    parts=tok.lower().split('_')
    return ''.join(p.capitalize() for p in parts)
argmap={}
def typ(expr, kind):
    toks=[t.strip() for t in expr.split('|')]
    out=[]
    for t in toks:
        if t.startswith('ARG_'): out.append('Arg'+camel(t[4:]))
        elif t.startswith('RET_'): out.append('Ret'+camel(t[4:]))
        elif t in ('MEM_RDONLY','MEM_UNINIT','MEM_ALLOC','MEM_FIXED_SIZE','MEM_ALIGNED','MEM_WRITE','PTR_MAYBE_NULL','OBJ_RELEASE','DYNPTR_TYPE_LOCAL','DYNPTR_TYPE_RINGBUF','MEM_USER','MEM_PERCPU','PTR_UNTRUSTED'):
            c=camel(t).replace('PtrMaybeNull','MaybeNull').replace('DynptrType','Dynptr')
            out.append(('Ret('+c+')') if kind=='ret' else c)
        else: raise Exception(t)
    return ' | '.join(out)
# the structs behind the kernel's BTF id tables (include/linux/btf_ids.h)
sockStructs={'INET':'inet_sock','INET_CONN':'inet_connection_sock','INET_REQ':'inet_request_sock',
    'INET_TW':'inet_timewait_sock','REQ':'request_sock','SOCK':'sock','SOCK_COMMON':'sock_common',
    'TCP':'tcp_sock','TCP_REQ':'tcp_request_sock','TCP_TW':'tcp_timewait_sock','TCP6':'tcp6_sock',
    'UDP':'udp_sock','UDP6':'udp6_sock','UNIX':'unix_sock','MPTCP':'mptcp_sock','SOCKET':'socket'}
tracingStructs={'TASK':'task_struct','FILE':'file','VMA':'vm_area_struct'}
def btf(expr):
    m=re.search(r'btf_sock_ids\[BTF_SOCK_TYPE_(\w+)\]',expr)
    if m: return sockStructs[m.group(1)]
    m=re.search(r'btf_tracing_ids\[BTF_TRACING_TYPE_(\w+)\]',expr)
    if m: return tracingStructs[m.group(1)]
    known={'bpf_sock_from_file_btf_ids[0]':'socket','bpf_sock_from_file_btf_ids[1]':'file','bpf_task_pt_regs_ids[0]':'pt_regs'}
    e=expr.replace('&','')
    return known.get(e,e)
lines=[]
for name in sorted(d):
    p=d[name]
    key=name[:-6] if name.endswith('_proto') else name
    f=[]
    fn=p.get('func','NULL')
    f.append('Func: %s'%json.dumps(fn if fn!='NULL' else ''))
    if p.get('gpl_only')=='true': f.append('GPLOnly: true')
    if p.get('pkt_access')=='true': f.append('PktAccess: true')
    if p.get('might_sleep')=='true': f.append('MightSleep: true')
    if 'allowed' in p: f.append('Allowed: %s'%json.dumps(p['allowed']))
    f.append('Ret: '+typ(p.get('ret_type','RET_INTEGER'),'ret'))
    args=[p.get('arg%d_type'%i) for i in range(1,6)]
    n=max([i+1 for i,a in enumerate(args) if a]+[0])
    if n: f.append('Args: [5]Arg{%s}'%', '.join(typ(a,'arg') if a else 'ArgDontCare' for a in args[:n]))
    sizes=[p.get('arg%d_size'%i) for i in range(1,6)]
    if any(sizes):
        n=max(i+1 for i,a in enumerate(sizes) if a)
        f.append('ArgSize: [5]int{%s}'%', '.join(a or '0' for a in sizes[:n]))
    bt=[p.get('arg%d_btf_id'%i) for i in range(1,6)]
    if any(bt):
        n=max(i+1 for i,a in enumerate(bt) if a)
        f.append('ArgBTF: [5]string{%s}'%', '.join(json.dumps(btf(a)) if a else '""' for a in bt[:n]))
    if p.get('ret_btf_id'): f.append('RetBTF: %s'%json.dumps(btf(p['ret_btf_id'])))
    # protos.go's protoTable is an array of values (static data), not a map
    # literal: see the comment on protos there.
    lines.append('\t{Name: %s, %s},'%(json.dumps(key),', '.join(f)))
text='\n'.join(lines)+'\n'
for a,b in [('sizeof(s64)','8'),('sizeof(u64)','8'),('sizeof(u32)','4'),('sizeof(struct iphdr)','20'),('sizeof(struct tcphdr)','20'),('sizeof(struct ipv6hdr)','40'),('BtfId','BTFID'),('TcpSock','TCPSock')]:
    text=text.replace(a,b)
open('/tmp/gen/protos_gen.go.txt','w').write(text)
print(len(lines))
