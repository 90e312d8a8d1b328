;; title: Fixed: NULL check after lookup
;; type: socket_filter
;; packet: ipv4-udp
;; map: values array key=4 value=8 entries=1
;; expect: accept
;; about: After "if r0 == 0", the verifier knows r0 is a map value pointer on the fall-through path. Hover the load to see r0's type change.
*(u32 *)(r10 - 4) = 0       ; key = 0
r1 = map[values] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
if r0 == 0 goto out         ; NULL: nothing to read
r0 = *(u64 *)(r0 + 0)
exit
out:
r0 = 0
exit
