// The page's handle on `bpfplay serve` (server/, docs/server.md): short
// links, C compiled by the server's clang, and native runs of the JIT's
// machine code beside the interpreter. None of it exists on a static
// host: probe() answers null there and the page offers none of it.
//
// Every request goes to the site's own origin under the app's base path
// (BPFPLAY_ASSETS.base), so a playground served under /play/ asks
// /play/api/..., and the server's CSP (connect-src 'self') holds.

import type { LoadRequest } from "./api";
import { quoteBigInts } from "./client";
import type { Mark } from "./editor";
import type { ListedInsn } from "./model";

/** GET /api/capabilities (server.Capabilities). */
export interface ServerCaps {
  version: string;
  share: boolean;
  run: boolean;
  compile: boolean;
  /** Why a feature is off, by feature name. */
  reasons?: Record<string, string>;
  /** The clang that compiles, e.g. "Debian clang version 14.0.6". */
  compiler?: string;
  limits?: { share_bytes?: number; run_bytes?: number; compile_bytes?: number; run_timeout_ms?: number };
}

/** POST /api/compile. */
export interface CompileResult {
  ok: boolean;
  /** The ELF object, base64 (when ok). */
  object?: string;
  /** clang's warnings and errors, paths relative to prog.c. */
  diagnostics: string;
  time_ms: number;
}

/** POST /api/run: core/load's response from each engine, and the
 * server's wall time for each (verify + JIT + run). */
export interface NativeRun {
  native: unknown;
  interp: unknown;
  native_ns: number;
  interp_ns: number;
}

/** An API answer other than success: the server's JSON error, or a
 * network failure (status 0). */
export class ServerError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** From Retry-After (429, 503), milliseconds; 0 when absent. */
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/** The URL of an API path ("api/share") under the app's base path. */
export function apiURL(path: string): string {
  return new URL(BPFPLAY_ASSETS.base + path, location.href).href;
}

/**
 * Asks the site whether a bpfplay server stands behind it. A static host
 * answers 404 (or HTML, or nothing at all): that is not an error, the
 * page simply works without the server's features, and nothing is
 * logged to the console.
 */
export async function probe(): Promise<ServerCaps | null> {
  try {
    const resp = await fetch(apiURL("api/capabilities"), { headers: { Accept: "application/json" }, cache: "no-cache" });
    if (!resp.ok || !(resp.headers.get("content-type") ?? "").includes("json")) return null;
    const c = (await resp.json()) as Partial<ServerCaps>;
    if (!c || typeof c !== "object" || typeof c.share !== "boolean") return null;
    return { version: String(c.version ?? ""), share: c.share, run: c.run === true, compile: c.compile === true, reasons: c.reasons ?? {}, compiler: c.compiler, limits: c.limits ?? {} };
  } catch {
    return null;
  }
}

async function post<T>(path: string, body: unknown): Promise<T> {
  let resp: Response;
  try {
    resp = await fetch(apiURL(path), { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw new ServerError("the server cannot be reached (is bpfplay serve still running?)", 0, "network", 0);
  }
  const text = await resp.text();
  let data: Record<string, unknown> = {};
  try {
    data = JSON.parse(quoteBigInts(text)) as Record<string, unknown>;
  } catch {
    /* not JSON: described by the status below */
  }
  if (!resp.ok) {
    const after = Number(resp.headers.get("Retry-After"));
    const retry = typeof data.retry_after_ms === "number" ? data.retry_after_ms : isFinite(after) && after > 0 ? after * 1000 : 0;
    throw new ServerError(typeof data.error === "string" && data.error ? data.error : `${resp.status} ${resp.statusText}`, resp.status, String(data.code ?? ""), retry);
  }
  return data as T;
}

/** Stores a state and returns the short link's absolute URL. */
export async function shortLink(state: object): Promise<string> {
  const r = await post<{ id?: string; url?: string }>("api/share", state);
  if (typeof r.url !== "string" || !r.url.startsWith("/")) throw new ServerError("the server's answer has no link", 500, "bad_answer", 0);
  // The server knows its own paths ("/s/ID"); a proxy may mount it under the base path.
  return location.origin + BPFPLAY_ASSETS.base.replace(/\/$/, "") + r.url;
}

export function compile(source: string): Promise<CompileResult> {
  return post<CompileResult>("api/compile", { source });
}

export function runNative(req: LoadRequest): Promise<NativeRun> {
  return post<NativeRun>("api/run", req);
}

/** A sentence for people about a failed API call: what happened and,
 * for limits, what to do. */
export function explain(e: unknown, what: string): string {
  if (!(e instanceof ServerError)) return `${what} failed: ${(e as Error)?.message ?? String(e)}`;
  const wait = e.retryAfterMs ? ` Try again in ${Math.max(1, Math.ceil(e.retryAfterMs / 1000))} s.` : "";
  switch (e.status) {
    case 0: return `${what} failed: ${e.message}.`;
    case 413: return `${what} failed: the program is too large for the server (${e.message}).`;
    case 422: return `${what} failed: the server refused it (${e.message}).`;
    case 429: return `${what}: too many requests from this address.${wait || " Try again in a moment."}`;
    case 501: return `${what} is not available on this server: ${e.message}.`;
    case 503: return `${what}: the server is busy.${wait || " Try again in a moment."}`;
    default: return `${what} failed: ${e.message} (HTTP ${e.status}).`;
  }
}

/** clang's diagnostics ("prog.c:3:5: error: ...") as editor marks. Notes
 * and the source excerpts clang prints under each line are left out;
 * the pane shows the whole text. */
export function clangMarks(diagnostics: string): Mark[] {
  const out: Mark[] = [];
  for (const line of diagnostics.split("\n")) {
    const m = /^[^:\s]*\.[ch]:(\d+):(\d+): (fatal error|error|warning): (.*)$/.exec(line);
    if (m) out.push({ line: +m[1], col: +m[2], message: m[4], severity: m[3] === "warning" ? "warning" : "error" });
  }
  return out;
}

/** Maps instructions to C source lines for a program compiled from the
 * editor's text. core/load reports each instruction's line from BTF
 * line info as "; <the line's text> @ <file>:<line>": the number is
 * taken when present, else the text is looked up in the editor. Returns
 * line -> first pc and pc -> line. */
export function cLines(listing: ListedInsn[], raw: unknown, text: string): { pcs: Map<number, number>; lines: Map<number, number> } {
  const pcs = new Map<number, number>();
  const lines = new Map<number, number>();
  const rawListing = (raw as { listing?: { c_source?: string }[] } | null)?.listing ?? [];
  const byText = new Map<string, number>();
  text.split("\n").forEach((l, i) => {
    const k = l.trim();
    if (k && !byText.has(k)) byText.set(k, i + 1);
  });
  let cur = 0;
  listing.forEach((insn, i) => {
    const c = rawListing[i]?.c_source;
    if (c) {
      const m = /^;?\s*(.*?)(?:\s+@\s+\S*?:(\d+))?\s*$/.exec(c);
      cur = m?.[2] ? +m[2] : byText.get((m?.[1] ?? c).trim()) ?? 0;
    }
    // An instruction without line info belongs to the line before it.
    if (!cur) return;
    if (!pcs.has(cur)) pcs.set(cur, insn.pc);
    lines.set(insn.pc, cur);
  });
  return { pcs, lines };
}
