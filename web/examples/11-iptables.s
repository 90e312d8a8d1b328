;; title: iptables -m bpf bytecode
;; type: socket_filter
;; dialect: cbpf
;; packet: ipv4-tcp/l3
;; expect: accept
;; about: The --bytecode string of iptables' xt_bpf match: a count, then "code jt jf k" per instruction. It sees the IP header at offset 0, so the packet here has no Ethernet header.
4,48 0 0 9,21 0 1 6,6 0 0 1,6 0 0 0
