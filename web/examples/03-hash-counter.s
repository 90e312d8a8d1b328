;; title: Count packets per protocol in a hash map
;; type: socket_filter
;; packet: ipv4-udp
;; map: counts hash key=4 value=8 entries=256
;; expect: accept
;; about: Look the key up; if it is there, add one atomically, else insert 1. Run it twice and watch the map.
r6 = r1
r0 = *(u8 *)skb[23]         ; IPv4 protocol is the key
*(u32 *)(r10 - 4) = r0
r1 = map[counts] ll
r2 = r10
r2 += -4                    ; r2 = &key
call bpf_map_lookup_elem
if r0 == 0 goto insert      ; NULL: first packet of this protocol
r1 = 1
lock *(u64 *)(r0 + 0) += r1
goto out
insert:
r1 = 1
*(u64 *)(r10 - 16) = r1     ; value = 1
r1 = map[counts] ll
r2 = r10
r2 += -4
r3 = r10
r3 += -16
r4 = 0                      ; BPF_ANY
call bpf_map_update_elem
out:
r0 = 0
exit
