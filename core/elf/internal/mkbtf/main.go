// Command mkbtf cuts the CO-RE target BTF bpfplay ships out of a kernel's
// vmlinux: the named root types keep every member (at the kernel's
// offsets), structs and unions embedded in them keep theirs down to a
// few levels, deeper ones keep only their name and size, and pointers to
// structs outside the roots become forward declarations. CO-RE needs no
// more to relocate field accesses on the roots (and one level of
// pointer chasing between roots), and the result is a few tens of KB
// instead of the kernel's 4 MB.
//
//	go run ./core/elf/internal/mkbtf -vmlinux ~/.cache/kernel-oracle/linux-image-6.1.0-56-amd64/vmlinux \
//	    -o core/elf/btf/vmlinux-6.1.0-56-amd64.min.btf.gz
package main

import (
	"bytes"
	"compress/gzip"
	"debug/elf"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"

	"github.com/cilium/ebpf/btf"
)

// roots are the kernel types programs most often read with CO-RE.
var roots = []string{
	"task_struct", "pt_regs", "sk_buff", "skb_shared_info", "net_device", "sock", "sock_common",
	"socket", "file", "inode", "dentry", "path", "qstr", "mm_struct", "cred", "linux_binprm",
	"nsproxy", "pid_namespace", "files_struct", "fdtable", "super_block", "vfsmount", "mount",
	"iphdr", "ipv6hdr", "tcphdr", "udphdr", "ethhdr", "in6_addr", "sockaddr", "sockaddr_in",
	"sockaddr_in6", "msghdr", "tcp_sock", "inet_sock", "inet_connection_sock", "request_sock",
	"xdp_buff", "xdp_md", "__sk_buff", "bpf_sock", "trace_event_raw_sys_enter",
	"trace_event_raw_sys_exit", "trace_entry", "kernel_cap_struct", "signal_struct",
	"css_set", "cgroup", "kernfs_node", "bpf_map", "bpf_prog", "bpf_prog_aux", "filename",
	"upid", "pid", "user_namespace", "uts_namespace", "new_utsname", "rq", "cfs_rq",
	"sched_entity", "load_weight", "sk_buff_head", "net", "ns_common", "module",
}

const embedDepth = 3 // levels of embedded (non-pointer) aggregates kept in full

func main() {
	vmlinux := flag.String("vmlinux", os.ExpandEnv("$HOME/.cache/kernel-oracle/linux-image-6.1.0-56-amd64/vmlinux"), "kernel ELF with a .BTF section")
	out := flag.String("o", "core/elf/btf/vmlinux-6.1.0-56-amd64.min.btf.gz", "output (gzip)")
	flag.Parse()

	f, err := elf.Open(*vmlinux)
	if err != nil {
		log.Fatal(err)
	}
	sec := f.Section(".BTF")
	if sec == nil {
		log.Fatalf("%s has no .BTF section", *vmlinux)
	}
	raw, err := sec.Data()
	if err != nil {
		log.Fatal(err)
	}
	spec, err := btf.LoadSpecFromReader(bytes.NewReader(raw))
	if err != nil {
		log.Fatal(err)
	}
	rootSet := map[string]bool{}
	for _, r := range roots {
		rootSet[r] = true
	}
	t := &trimmer{roots: rootSet, done: map[btf.Type]btf.Type{}}
	var keep []btf.Type
	for _, name := range roots {
		var typ btf.Type
		types, err := spec.AnyTypesByName(name)
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		for _, c := range types {
			if _, ok := c.(*btf.Struct); ok {
				typ = c
			}
		}
		if typ == nil {
			log.Fatalf("%s: not a struct in this kernel", name)
		}
		keep = append(keep, t.trim(typ, 0))
	}
	b, err := btf.NewBuilder(keep, nil)
	if err != nil {
		log.Fatal(err)
	}
	blob, err := b.Marshal(nil, nil)
	if err != nil {
		log.Fatal(err)
	}
	var z bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	zw.Write(blob)
	zw.Close()
	if err := os.WriteFile(*out, z.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	sort.Strings(roots)
	fmt.Printf("mkbtf: %d root types, %d bytes of BTF, %d gzipped -> %s\n", len(roots), len(blob), z.Len(), *out)
}

type trimmer struct {
	roots map[string]bool
	done  map[btf.Type]btf.Type
}

// trim returns the kept copy of t at embedding depth depth.
func (t *trimmer) trim(typ btf.Type, depth int) btf.Type {
	if c, ok := t.done[typ]; ok {
		return c
	}
	switch v := typ.(type) {
	case *btf.Struct:
		if v.Name != "" && !t.roots[v.Name] && depth > embedDepth {
			return &btf.Struct{Name: v.Name, Size: v.Size}
		}
		c := &btf.Struct{Name: v.Name, Size: v.Size}
		if v.Name != "" && t.roots[v.Name] {
			t.done[typ] = c
		}
		c.Members = t.members(v.Members, depth)
		return c
	case *btf.Union:
		if v.Name != "" && !t.roots[v.Name] && depth > embedDepth {
			return &btf.Union{Name: v.Name, Size: v.Size}
		}
		c := &btf.Union{Name: v.Name, Size: v.Size}
		c.Members = t.members(v.Members, depth)
		return c
	case *btf.Pointer:
		target := v.Target
		for {
			switch q := target.(type) {
			case *btf.Const:
				target = q.Type
				continue
			case *btf.Volatile:
				target = q.Type
				continue
			}
			break
		}
		switch q := target.(type) {
		case *btf.Struct:
			if q.Name != "" && t.roots[q.Name] {
				return &btf.Pointer{Target: t.trim(q, 0)}
			}
			return &btf.Pointer{Target: &btf.Fwd{Name: q.Name, Kind: btf.FwdStruct}}
		case *btf.Union:
			return &btf.Pointer{Target: &btf.Fwd{Name: q.Name, Kind: btf.FwdUnion}}
		case *btf.Int, *btf.Enum, *btf.Float:
			return &btf.Pointer{Target: t.trim(q, depth)}
		}
		return &btf.Pointer{Target: &btf.Void{}}
	case *btf.Array:
		return &btf.Array{Index: t.trim(v.Index, depth), Type: t.trim(v.Type, depth), Nelems: v.Nelems}
	case *btf.Typedef:
		return &btf.Typedef{Name: v.Name, Type: t.trim(v.Type, depth)}
	case *btf.Const:
		return &btf.Const{Type: t.trim(v.Type, depth)}
	case *btf.Volatile:
		return &btf.Volatile{Type: t.trim(v.Type, depth)}
	case *btf.Restrict:
		return &btf.Restrict{Type: t.trim(v.Type, depth)}
	case *btf.Int:
		c := *v
		return &c
	case *btf.Enum:
		return btf.Copy(v)
	case *btf.Float:
		c := *v
		return &c
	case *btf.Void:
		return v
	}
	return &btf.Void{}
}

func (t *trimmer) members(ms []btf.Member, depth int) []btf.Member {
	out := make([]btf.Member, len(ms))
	for i, m := range ms {
		out[i] = btf.Member{Name: m.Name, Offset: m.Offset, BitfieldSize: m.BitfieldSize, Type: t.trim(m.Type, depth+1)}
	}
	return out
}
