;; title: XDP: drop DNS queries
;; type: xdp
;; packet: ipv4-udp
;; expect: accept
;; about: Parse Ethernet, IPv4 and UDP with one bounds check, then drop packets to port 53. Try the TCP template: it passes.
; r1 is struct xdp_md *: data at +0, data_end at +4
r2 = *(u32 *)(r1 + 0)
r3 = *(u32 *)(r1 + 4)
r0 = 2                      ; XDP_PASS
r4 = r2
r4 += 42                    ; Ethernet 14 + IPv4 20 + UDP 8
if r4 > r3 goto out         ; the check the verifier insists on
r5 = *(u16 *)(r2 + 12)      ; EtherType, network byte order
if r5 != 0x8 goto out       ; htons(0x0800) read on a little-endian CPU
r5 = *(u8 *)(r2 + 23)       ; IPv4 protocol
if r5 != 17 goto out        ; IPPROTO_UDP
r5 = *(u16 *)(r2 + 36)      ; UDP destination port
if r5 != 0x3500 goto out    ; htons(53)
r0 = 1                      ; XDP_DROP
out:
exit
