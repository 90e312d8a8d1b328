package realworld

import "testing"

// TestChecksum checks the Internet checksum against RFC 1071's worked
// example (section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2) and
// that every frame the corpus builds carries valid IPv4 header and
// TCP/UDP checksums (a checksum over a valid header or segment, its
// pseudo header included, is zero).
func TestChecksum(t *testing.T) {
	if got := csum(0, []byte{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7}); got != ^uint16(0xddf2) {
		t.Errorf("csum = %#04x, want %#04x", got, ^uint16(0xddf2))
	}
	src, dst := ip4(10, 1, 2, 3), ip4(10, 0, 0, 100)
	for _, tc := range []struct {
		name  string
		frame []byte
	}{
		{"tcp", tcp4(macRouter, src, dst, 40000, 80, tcpSYN, 0, []byte("odd"))},
		{"udp", udp4(macRouter, src, dst, 53, 53, []byte("even"))},
	} {
		ip := tc.frame[14:]
		if c := csum(0, ip[:20]); c != 0 {
			t.Errorf("%s: IPv4 header checksum does not verify (%#04x)", tc.name, c)
		}
		seg := ip[20:]
		if c := csum(pseudo4(src, dst, ip[9], len(seg)), seg); c != 0 {
			t.Errorf("%s: L4 checksum does not verify (%#04x)", tc.name, c)
		}
	}
}

func TestFirstLogDiff(t *testing.T) {
	k := "0: (b7) r0 = 0\nr1 = 0xffff888012345678\nverification time 12 usec\nprocessed 2 insns\n"
	for _, tc := range []struct {
		ours string
		line int
	}{
		{"0: (b7) r0 = 0\nr1 = 0xffff888100000000\nverification time 3 usec\nprocessed 2 insns\n", 0},
		{"0: (b7) r0 = 0\nr1 = 0xffff888100000000\nprocessed 3 insns\n", 3},
		{"0: (b7) r0 = 0\nr1 = 0xffff888100000000\n", 3},
		{"0: (b7) r0 = 1\n", 1},
	} {
		if line, _, _ := FirstLogDiff(k, tc.ours); line != tc.line {
			t.Errorf("FirstLogDiff(%q) = line %d, want %d", tc.ours, line, tc.line)
		}
	}
}
