;; title: Parse a variable-length IPv4 header
;; type: xdp
;; packet: ipv4-tcp
;; expect: accept
;; about: The IPv4 header length comes from the packet, so the TCP header's offset is unknown: the verifier needs a second bounds check after the variable offset.
r2 = *(u32 *)(r1 + 0)       ; data
r3 = *(u32 *)(r1 + 4)       ; data_end
r0 = 2                      ; XDP_PASS
r4 = r2
r4 += 34                    ; Ethernet + minimal IPv4 header
if r4 > r3 goto out
r5 = *(u16 *)(r2 + 12)
if r5 != 0x8 goto out       ; not IPv4
r5 = *(u8 *)(r2 + 14)       ; version and IHL
r5 &= 15
r5 <<= 2                    ; header length in bytes: 0..60
if r5 < 20 goto out
r4 = r2
r4 += 14
r4 += r5                    ; start of the TCP header: variable offset
r6 = r4
r6 += 4
if r6 > r3 goto out         ; remove this check and the load below is rejected
r7 = *(u16 *)(r4 + 2)       ; TCP destination port
if r7 != 0x5000 goto out    ; htons(80)
r0 = 3                      ; XDP_TX: bounce web traffic
out:
exit
