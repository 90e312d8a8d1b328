;; title: Socket filter: keep IPv4 TCP
;; type: socket_filter
;; packet: ipv4-tcp
;; expect: accept
;; about: A socket filter returns how many bytes of the packet to keep: 0 drops it. Legacy packet loads (skb[...]) read big-endian and need the context in r6.
r6 = r1                     ; ld_abs reads the skb held in r6
r0 = *(u16 *)skb[12]        ; EtherType, converted to host order
if r0 != 0x800 goto drop
r0 = *(u8 *)skb[23]         ; IPv4 protocol
if r0 != 6 goto drop        ; IPPROTO_TCP
r0 = -1                     ; keep the whole packet
exit
drop:
r0 = 0
exit
