;; title: Send an event through a ring buffer
;; type: socket_filter
;; packet: ipv4-udp
;; map: events ringbuf key=0 value=0 entries=4096
;; expect: accept
;; about: bpf_ringbuf_output copies a record into the ring buffer that user space reads. Here: the packet length as a u64.
r2 = *(u32 *)(r1 + 0)       ; skb->len
*(u64 *)(r10 - 8) = r2
r1 = map[events] ll
r2 = r10
r2 += -8                    ; data
r3 = 8                      ; size
r4 = 0                      ; flags
call bpf_ringbuf_output
r0 = 0
exit
