// Packet templates for the input editor and a short decoder that says what
// the bytes are. Checksums are computed, so a program that verifies them
// sees a valid packet.

const MAC_DST = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];
const MAC_SRC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const IP4_SRC = [10, 0, 0, 1];
const IP4_DST = [10, 0, 0, 2];
const IP6_SRC = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const IP6_DST = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

const be16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const be32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

function csum(bytes: number[]): number {
  let s = 0;
  for (let i = 0; i < bytes.length; i += 2) s += (bytes[i] << 8) | (bytes[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

function ipv4(proto: number, payload: number[]): number[] {
  const hdr = [0x45, 0, ...be16(20 + payload.length), ...be16(0x1234), 0x40, 0, 64, proto, 0, 0, ...IP4_SRC, ...IP4_DST];
  const c = csum(hdr);
  hdr[10] = c >> 8;
  hdr[11] = c & 0xff;
  return [...hdr, ...payload];
}

function l4csum(pseudo: number[], seg: number[], at: number): number[] {
  const c = csum([...pseudo, ...seg]) || 0xffff;
  seg[at] = c >> 8;
  seg[at + 1] = c & 0xff;
  return seg;
}

const text = (s: string) => Array.from(new TextEncoder().encode(s));

function udp(sport: number, dport: number, data: number[]): number[] {
  return [...be16(sport), ...be16(dport), ...be16(8 + data.length), 0, 0, ...data];
}

function tcp(sport: number, dport: number, flags: number, data: number[]): number[] {
  return [...be16(sport), ...be16(dport), ...be32(1000), ...be32(0), 0x50, flags, ...be16(65535), 0, 0, 0, 0, ...data];
}

const eth = (type: number, payload: number[]) => [...MAC_DST, ...MAC_SRC, ...be16(type), ...payload];

export interface Template {
  id: string;
  label: string;
  bytes: () => number[];
}

export const templates: Template[] = [
  {
    id: "ipv4-tcp",
    label: "IPv4 / TCP SYN → :80",
    bytes: () => {
      const seg = tcp(40000, 80, 0x02, []);
      const pseudo = [...IP4_SRC, ...IP4_DST, 0, 6, ...be16(seg.length)];
      return eth(0x0800, ipv4(6, l4csum(pseudo, seg, 16)));
    },
  },
  {
    id: "ipv4-udp",
    label: "IPv4 / UDP → :53",
    bytes: () => {
      const seg = udp(40000, 53, text("hello, bpf"));
      const pseudo = [...IP4_SRC, ...IP4_DST, 0, 17, ...be16(seg.length)];
      return eth(0x0800, ipv4(17, l4csum(pseudo, seg, 6)));
    },
  },
  {
    id: "ipv6-udp",
    label: "IPv6 / UDP → :53",
    bytes: () => {
      const seg = udp(40000, 53, text("hello, bpf"));
      const pseudo = [...IP6_SRC, ...IP6_DST, ...be32(seg.length), 0, 0, 0, 17];
      const hdr = [0x60, 0, 0, 0, ...be16(seg.length), 17, 64, ...IP6_SRC, ...IP6_DST];
      return eth(0x86dd, [...hdr, ...l4csum(pseudo, seg, 6)]);
    },
  },
  {
    id: "arp",
    label: "ARP who-has 10.0.0.2",
    bytes: () => [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...MAC_SRC, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1, ...MAC_SRC, ...IP4_SRC, 0, 0, 0, 0, 0, 0, ...IP4_DST],
  },
];

export function templateHex(id: string): string {
  const t = templates.find((x) => x.id === id);
  return t ? formatHex(t.bytes()) : "";
}

/** 16 bytes per line, grouped by two. */
export function formatHex(bytes: ArrayLike<number>): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row: string[] = [];
    for (let j = i; j < Math.min(i + 16, bytes.length); j++) row.push(bytes[j].toString(16).padStart(2, "0"));
    lines.push(row.join(" "));
  }
  return lines.join("\n");
}

export class HexError extends Error {}

/** Parses hex typed by a person: whitespace, "0x" prefixes, commas and
 * "offset:" columns are ignored. */
export function parseHex(s: string): Uint8Array {
  const clean = s
    .split("\n")
    .map((l) => l.replace(/^\s*[0-9a-fA-F]+:\s/, "").replace(/0x/gi, "").replace(/[\s,]/g, ""))
    .join("");
  const bad = /[^0-9a-fA-F]/.exec(clean);
  if (bad) throw new HexError(`"${bad[0]}" is not a hex digit`);
  if (clean.length % 2) throw new HexError("odd number of hex digits: the last byte is incomplete");
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function toHex(b: ArrayLike<number>): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, "0");
  return s;
}

/** One line saying what the packet is, e.g. "IPv4 10.0.0.1 → 10.0.0.2 · UDP 40000 → 53". */
export function describe(b: Uint8Array): string {
  if (b.length === 0) return "empty";
  if (b.length < 14) return `${b.length} bytes (shorter than an Ethernet header)`;
  const type = (b[12] << 8) | b[13];
  const ip4 = (o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
  const port = (o: number) => (b[o] << 8) | b[o + 1];
  const l4 = (proto: number, o: number) => {
    const name = proto === 6 ? "TCP" : proto === 17 ? "UDP" : proto === 1 ? "ICMP" : proto === 58 ? "ICMPv6" : `proto ${proto}`;
    if ((proto === 6 || proto === 17) && b.length >= o + 4) return ` · ${name} ${port(o)} → ${port(o + 2)}`;
    return ` · ${name}`;
  };
  let d = "";
  if (type === 0x0800 && b.length >= 34) {
    const ihl = (b[14] & 0x0f) * 4;
    d = `IPv4 ${ip4(26)} → ${ip4(30)}` + l4(b[23], 14 + ihl);
  } else if (type === 0x86dd && b.length >= 54) {
    const a = (o: number) => {
      const w: string[] = [];
      for (let i = 0; i < 16; i += 2) w.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
      return w.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
    };
    d = `IPv6 ${a(22)} → ${a(38)}` + l4(b[20], 54);
  } else if (type === 0x0806) {
    d = b.length >= 42 ? `ARP ${b[21] === 1 ? "request" : "reply"} ${ip4(28)} → ${ip4(38)}` : "ARP (truncated)";
  } else {
    d = `EtherType 0x${type.toString(16).padStart(4, "0")}`;
  }
  return `${d} · ${b.length} bytes`;
}
