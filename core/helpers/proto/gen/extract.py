# Extracts Linux 6.1 helper prototypes (struct bpf_func_proto initialisers)
# from an unpacked linux-source-6.1 tree into /tmp/gen/protos.json.
import re,sys,glob,json
root='/tmp/ksrc/linux-source-6.1/'
files=glob.glob(root+'kernel/bpf/*.c')+glob.glob(root+'kernel/trace/*.c')+glob.glob(root+'net/core/*.c')+glob.glob(root+'kernel/cgroup/*.c')+glob.glob(root+'net/bpf/*.c')+glob.glob(root+'kernel/events/*.c')
out={}
pat=re.compile(r'(?:static\s+)?(?:const\s+)?struct\s+bpf_func_proto\s+(\w+)\s*=\s*\{(.*?)\};',re.S)
for f in files:
    s=open(f,errors='replace').read()
    s=re.sub(r'/\*.*?\*/','',s,flags=re.S)
    for m in pat.finditer(s):
        name,body=m.group(1),m.group(2)
        d={'file':f.replace(root,'')}
        for fm in re.finditer(r'\.(\w+)\s*=\s*([^,]+(?:\([^)]*\))?[^,]*),',body+','):
            k,v=fm.group(1),' '.join(fm.group(2).split())
            d[k]=v
        if name in out: d['dup']=out[name]['file']
        out[name]=d
json.dump(out,open('/tmp/gen/protos.json','w'),indent=0)
print(len(out))
