;; title: bpf_trace_printk
;; type: socket_filter
;; packet: ipv4-udp
;; expect: accept
;; about: The format string lives on the stack and its size counts the NUL. The output shows in the Run pane, as it would in trace_pipe.
r3 = *(u32 *)(r1 + 0)       ; skb->len, the value to print
r1 = 0xa6425206e656c ll     ; "len %d\n\0", little-endian
*(u64 *)(r10 - 8) = r1
r1 = r10
r1 += -8                    ; fmt
r2 = 8                      ; fmt_size, NUL included
call bpf_trace_printk
r0 = 0
exit
