;; title: A bpf-to-bpf call
;; type: socket_filter
;; packet: ipv4-udp
;; expect: accept
;; about: Subprograms get their own stack frame; arguments travel in r1-r5 and the result comes back in r0. The verifier checks each frame.
r1 = 6
r2 = 7
call mul                    ; a call to a subprogram, not a helper
r0 += 1
exit
mul:
r0 = r1
r0 *= r2
exit
