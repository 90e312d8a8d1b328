;; title: A tail call
;; type: socket_filter
;; packet: ipv4-udp
;; map: jumps prog_array key=4 value=4 entries=4
;; expect: accept
;; about: bpf_tail_call jumps to the program in a prog_array slot and never returns; when the slot is empty it falls through, as here.
r2 = map[jumps] ll
r3 = 0                      ; slot 0
call bpf_tail_call          ; r1 still holds the context
r0 = 0                      ; only reached when slot 0 is empty
exit
