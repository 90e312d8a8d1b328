;; title: tcpdump -d: ip and udp dst port 53
;; type: socket_filter
;; dialect: cbpf
;; packet: ipv4-udp
;; expect: accept
;; about: Classic BPF as tcpdump -d prints it. bpfplay converts it to eBPF the way the kernel does for SO_ATTACH_FILTER, then verifies and runs that.
(000) ldh      [12]
(001) jeq      #0x800           jt 2	jf 10
(002) ldb      [23]
(003) jeq      #0x11            jt 4	jf 10
(004) ldh      [20]
(005) jset     #0x1fff          jt 10	jf 6
(006) ldxb     4*([14]&0xf)
(007) ldh      [x + 16]
(008) jeq      #0x35            jt 9	jf 10
(009) ret      #262144
(010) ret      #0
