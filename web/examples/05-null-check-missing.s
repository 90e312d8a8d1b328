;; title: Rejected: missing NULL check
;; type: socket_filter
;; packet: ipv4-udp
;; map: values array key=4 value=8 entries=1
;; expect: reject
;; about: bpf_map_lookup_elem may return NULL, so the verifier refuses the load through r0. The next example adds the check.
*(u32 *)(r10 - 4) = 0       ; key = 0
r1 = map[values] ll
r2 = r10
r2 += -4
call bpf_map_lookup_elem
r0 = *(u64 *)(r0 + 0)       ; r0 may be NULL here
exit
