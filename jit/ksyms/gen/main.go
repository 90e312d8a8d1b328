// Command gen writes linux61.txt from the kernel oracle's kallsyms dump:
//
//	go run ./jit/ksyms/gen ~/.cache/kernel-oracle/linux-image-6.1.0-56-amd64/kallsyms.json > jit/ksyms/linux61.txt
//
// It keeps the symbols bpf programs call: bpf_*, any function whose name
// ends in a helper's name (sk_skb_pull_data implements skb_pull_data for
// one program type), the map operations the verifier calls directly
// (*_map_*, and any *_lookup_elem/_update_elem/... such as
// trie_lookup_elem), and the return/indirect thunks.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/bpfplay/bpfplay/core/isa"
)

var keep = regexp.MustCompile(`^bpf_|_map_(lookup|update|delete|push|pop|peek|get_next|lookup_and_delete|redirect|gen_lookup|for_each|lookup_percpu)|_(lookup|update|delete|push|pop|peek)_elem$|^__x86_indirect_thunk|^__x86_return_thunk$|^__bpf_call_base$`)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen kallsyms.json")
		os.Exit(2)
	}
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var all map[string]string
	if err := json.Unmarshal(b, &all); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	type sym struct{ addr, name string }
	var syms []sym
	var suffixes []string
	for h := isa.HelperID(1); h <= isa.MaxHelper6_1; h++ {
		if n := h.Name(); n != "" {
			suffixes = append(suffixes, "_"+n)
		}
	}
	helperLike := func(name string) bool {
		for _, s := range suffixes {
			if strings.HasSuffix(name, s) && !strings.HasPrefix(name, "__") {
				return true
			}
		}
		return false
	}
	for name, addr := range all {
		if keep.MatchString(name) || helperLike(name) {
			syms = append(syms, sym{addr, name})
		}
	}
	sort.Slice(syms, func(i, j int) bool {
		if syms[i].addr != syms[j].addr {
			return syms[i].addr < syms[j].addr
		}
		return syms[i].name < syms[j].name
	})
	fmt.Println("# Kernel text symbols of Debian's linux-image-6.1.0-56-amd64 (6.1.192-2, no KASLR)")
	fmt.Println("# that bpf programs call: helpers, map operations, thunks. address name")
	for _, s := range syms {
		fmt.Println(s.addr, s.name)
	}
}
