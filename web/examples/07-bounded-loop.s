;; title: A bounded loop
;; type: socket_filter
;; packet: ipv4-udp
;; expect: accept
;; about: Since Linux 5.3 the verifier accepts loops it can prove finish: it walks every iteration. r0 = 0 + 1 + ... + 99.
r0 = 0
r1 = 0
loop:
r0 += r1
r1 += 1
if r1 < 100 goto loop       ; a back-edge with a known bound
exit
