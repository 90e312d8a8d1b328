// The examples gallery. Each example is a source file in web/examples
// whose leading ";;" lines say how to load it (program type, dialect,
// packet template, maps, expected verdict) and what it teaches. C
// examples (".c.txt": esbuild's text loader) use "//!" for the same
// lines, so the file stays valid C; the gallery shows them only when a
// bpfplay server can compile C.

import type { MapSpec } from "./api";
import e01 from "../examples/01-xdp-drop-port.s";
import e02 from "../examples/02-socket-filter.s";
import e03 from "../examples/03-hash-counter.s";
import e04 from "../examples/04-parse-bounds.s";
import e05 from "../examples/05-null-check-missing.s";
import e06 from "../examples/06-null-check-fixed.s";
import e07 from "../examples/07-bounded-loop.s";
import e08 from "../examples/08-bpf-to-bpf-call.s";
import e09 from "../examples/09-tail-call.s";
import e10 from "../examples/10-tcpdump.s";
import e11 from "../examples/11-iptables.s";
import e12 from "../examples/12-ringbuf.s";
import e13 from "../examples/13-trace-printk.s";
import c01 from "../examples/14-xdp-count.c.txt";
import c02 from "../examples/15-xdp-missing-check.c.txt";

export interface Example {
  id: string;
  title: string;
  about: string;
  progType: string;
  dialect: "kernel" | "conformance" | "cbpf" | "c";
  packet: string; // template id, "/l3" strips the Ethernet header
  maps: MapSpec[];
  expect: "accept" | "reject";
  source: string;
}

/** Parses the ";;" header of an example file. */
export function parseExample(id: string, text: string): Example {
  const ex: Example = { id, title: id, about: "", progType: "socket_filter", dialect: "kernel", packet: "ipv4-udp", maps: [], expect: "accept", source: "" };
  const body: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^(?:;;|\/\/!)\s*([\w-]+):\s*(.*)$/.exec(line);
    if (!m) {
      body.push(line);
      continue;
    }
    const [, k, v] = m;
    switch (k) {
      case "title": ex.title = v; break;
      case "about": ex.about = v; break;
      case "type": ex.progType = v; break;
      case "dialect": ex.dialect = v as Example["dialect"]; break;
      case "packet": ex.packet = v; break;
      case "expect": ex.expect = v as Example["expect"]; break;
      case "map": {
        // map: NAME TYPE key=K value=V entries=N
        const [name, type, ...kv] = v.split(/\s+/);
        const f = Object.fromEntries(kv.map((p) => p.split("=")));
        ex.maps.push({ name, type, key_size: +f.key || 0, value_size: +f.value || 0, max_entries: +f.entries || 1 });
        break;
      }
    }
  }
  ex.source = body.join("\n").replace(/\n+$/, "\n");
  return ex;
}

export const examples: Example[] = [
  ["xdp-drop-port", e01], ["socket-filter", e02], ["hash-counter", e03], ["parse-bounds", e04],
  ["null-check-missing", e05], ["null-check-fixed", e06], ["bounded-loop", e07], ["bpf-to-bpf-call", e08],
  ["tail-call", e09], ["tcpdump", e10], ["iptables", e11], ["ringbuf", e12], ["trace-printk", e13],
].map(([id, text]) => parseExample(id, text));

/** Examples in C, for the server's clang (C mode). */
export const cExamples: Example[] = [["c-xdp-count", c01], ["c-missing-check", c02]].map(([id, text]) => ({ ...parseExample(id, text), dialect: "c" as const }));
