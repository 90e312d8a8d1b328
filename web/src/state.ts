// The playground's whole state, and its share-link encoding: JSON,
// deflate-compressed (raw DEFLATE, RFC 1951) and base64url-encoded into the
// URL fragment as "#s=...". A fragment never reaches a server, so links
// work offline and from any static host. The same JSON object is what the
// server's POST /api/share stores for short links.

import type { MapSpec } from "./api";

export interface PlaygroundState {
  v: 1;
  source: string;
  /** "c": C compiled by the server's clang (bpfplay serve), see server.ts. */
  dialect: "kernel" | "conformance" | "cbpf" | "c";
  prog_type: string;
  /** Packet bytes, hex. */
  packet?: string;
  /** Context struct bytes, hex. */
  ctx?: string;
  maps?: MapSpec[];
  unpriv?: boolean;
  log_level?: number;
  prog_flags?: number;
  /** A dropped object file (base64) and the program picked from it. */
  elf?: { name: string; data: string; program: string };
  /** Which pane is open. */
  pane?: string;
}

export const DIALECTS = ["kernel", "conformance", "cbpf", "c"] as const;

export class ShareError extends Error {}

function toBase64url(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(s: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new ShareError("the link contains characters that base64url does not use");
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((s.length + 3) % 4);
  let bin: string;
  try {
    bin = atob(b64);
  } catch {
    throw new ShareError("the link's data is not valid base64url (was it cut short?)");
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(data: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const body = new Blob([data as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(body).arrayBuffer());
}

export async function encodeState(s: PlaygroundState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(s));
  return toBase64url(await pipe(json, new CompressionStream("deflate-raw")));
}

export async function decodeState(data: string): Promise<PlaygroundState> {
  const raw = fromBase64url(data);
  let json: Uint8Array;
  try {
    json = await pipe(raw, new DecompressionStream("deflate-raw"));
  } catch {
    throw new ShareError("the link's data does not decompress (it may have been truncated when copied)");
  }
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    throw new ShareError("the link's data is not a playground state");
  }
  return validate(v);
}

/** Checks a decoded or fetched state and fills defaults; it throws
 * ShareError with the reason when the object is not a state. */
export function validate(v: unknown): PlaygroundState {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new ShareError("the link's data is not a playground state");
  const o = v as Record<string, unknown>;
  if (o.v !== undefined && o.v !== 1) throw new ShareError(`the link was made by a newer bpfplay (state version ${String(o.v)})`);
  if (typeof o.source !== "string") throw new ShareError("the link has no program source");
  const dialect = typeof o.dialect === "string" ? o.dialect : "kernel";
  if (!(DIALECTS as readonly string[]).includes(dialect)) throw new ShareError(`unknown dialect "${dialect}" in the link`);
  const s: PlaygroundState = { v: 1, source: o.source, dialect: dialect as PlaygroundState["dialect"], prog_type: typeof o.prog_type === "string" ? o.prog_type : "socket_filter" };
  const hexField = (k: "packet" | "ctx") => {
    const x = o[k];
    if (x === undefined) return;
    if (typeof x !== "string" || !/^[0-9a-fA-F\s]*$/.test(x)) throw new ShareError(`the link's ${k} is not hex`);
    s[k] = x;
  };
  hexField("packet");
  hexField("ctx");
  if (Array.isArray(o.maps)) s.maps = o.maps as MapSpec[];
  if (typeof o.unpriv === "boolean") s.unpriv = o.unpriv;
  if (typeof o.log_level === "number") s.log_level = o.log_level;
  if (typeof o.prog_flags === "number") s.prog_flags = o.prog_flags;
  if (typeof o.pane === "string") s.pane = o.pane;
  const e = o.elf as Record<string, unknown> | undefined;
  if (e && typeof e === "object" && typeof e.data === "string") {
    s.elf = { name: String(e.name ?? "object.o"), data: e.data, program: String(e.program ?? "") };
  }
  return s;
}

/** The fragment for a state: "#s=DATA". */
export async function shareFragment(s: PlaygroundState): Promise<string> {
  return "#s=" + (await encodeState(s));
}

/** The encoded data in a fragment, or null when it is not a share link. */
export function fragmentData(hash: string): string | null {
  const m = /^#s=(.*)$/s.exec(hash);
  return m ? m[1] : null;
}
