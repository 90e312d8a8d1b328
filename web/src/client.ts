// The page's handle on the Go core running in a Web Worker.
//
// The first worker fetches and compiles the wasm module and sends it back;
// later workers get the compiled module, so cancelling a run (terminating
// the worker) and starting a fresh one costs milliseconds, not a download.
// Every snippet of an embedding page shares one Core. The playground page
// starts its first worker from boot.js, before the app's bundle runs
// (docs/web.md, "Start-up").

import type { Capabilities, Envelope } from "./api";

export class CoreError extends Error {
  constructor(
    message: string,
    readonly kind: "input" | "internal" | "cancelled" | "unavailable",
  ) {
    super(message);
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string };

/** Absolute URL of an asset named in BPFPLAY_ASSETS. */
export function assetURL(rel: string, base = BPFPLAY_ASSETS.base, origin = location.href): string {
  return new URL(base + rel, origin).href;
}

/** Quotes integers JavaScript numbers cannot hold exactly (r0 and other
 * 64-bit values in the core's JSON) so they arrive as decimal strings;
 * model.ts reads either form. */
export function quoteBigInts(json: string): string {
  return json.replace(/(":\s*)(-?\d{16,})(?=\s*[,}\]])/g, (m, pre: string, n: string) => (Number.isSafeInteger(Number(n)) ? m : `${pre}"${n}"`));
}

// Marks for the start-up figures (read by the e2e tests). at is an
// absolute time (timeOrigin-based) taken in another thread (the worker).
function mark(name: string, at?: number): void {
  if (performance.getEntriesByName(name).length) return;
  if (at === undefined) performance.mark(name);
  else performance.mark(name, { startTime: at - performance.timeOrigin });
}

/** Where the worker, the wasm core and Go's wasm_exec.js are. */
export type CoreURLs = { worker: string; wasm: string; wasmExec: string };

/** A worker started before its Core exists (boot.ts): the messages it
 * sends meanwhile are kept for the Core that adopts it. */
type Booted = { urls: CoreURLs; worker: Worker; events: Event[] };

const bootKey = "__bpfplayBoot";

function newWorker(url: string, name: string): Worker {
  if (new URL(url).origin === location.origin) return new Worker(url, { name });
  // A page on another origin (embed.js) cannot start a worker from our
  // URL directly; a same-origin blob that imports it can.
  const blob = new Blob([`importScripts(${JSON.stringify(url)});`], { type: "text/javascript" });
  return new Worker(URL.createObjectURL(blob), { name });
}

function startWorker(urls: CoreURLs, module: WebAssembly.Module | null): Worker {
  // Without a compiled module the worker starts downloading from the URLs
  // in its name, without waiting for the init message (worker.ts).
  const name = module ? "bpfplay" : JSON.stringify({ wasm: urls.wasm, wasmExec: urls.wasmExec });
  const w = newWorker(urls.worker, name);
  w.postMessage({ type: "init", wasm: module ?? urls.wasm, wasmExec: urls.wasmExec });
  return w;
}

/** Starts the core's worker now, for the Core created later on this page
 * (the playground calls it from boot.js, before its own bundle has even
 * been parsed, so the wasm downloads and compiles meanwhile). */
export function boot(urls: CoreURLs): void {
  const g = globalThis as unknown as Record<string, Booted | undefined>;
  if (g[bootKey]) return;
  const b: Booted = { urls, worker: startWorker(urls, null), events: [] };
  const keep = (e: Event) => {
    e.preventDefault();
    b.events.push(e);
  };
  b.worker.onmessage = keep;
  b.worker.onerror = keep;
  g[bootKey] = b;
}

/** Takes the worker boot() started for these URLs, if any. */
function adopt(urls: CoreURLs): Booted | null {
  const g = globalThis as unknown as Record<string, Booted | undefined>;
  const b = g[bootKey];
  if (!b || b.urls.worker !== urls.worker || b.urls.wasm !== urls.wasm || b.urls.wasmExec !== urls.wasmExec) return null;
  g[bootKey] = undefined;
  return b;
}

export class Core {
  private worker: Worker | null = null;
  /** The compiled core, sent back by the first worker: later workers
   * (after a cancel) start from it instead of downloading again. */
  private module: WebAssembly.Module | null = null;
  private started: Promise<void> | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** Milliseconds the last call spent inside the core (measured in the worker). */
  lastCallMs = 0;
  caps: Capabilities | null = null;

  constructor(private readonly urls: CoreURLs) {}

  /** Starts the worker if needed and resolves when the core is ready. */
  start(): Promise<void> {
    if (!this.started) {
      this.started = this.spawn().catch((e) => {
        this.started = null;
        throw e;
      });
    }
    return this.started;
  }

  private async spawn(): Promise<void> {
    const booted = this.module ? null : adopt(this.urls);
    const w = booted ? booted.worker : startWorker(this.urls, this.module);
    this.worker = w;
    let caps = "";
    await new Promise<void>((resolve, reject) => {
      const onMessage = (e: MessageEvent) => {
        const m = e.data;
        if (m.type === "ready") {
          for (const [name, at] of Object.entries((m.times ?? {}) as Record<string, number>)) mark(name, at);
          if (m.module) this.module = m.module;
          caps = m.capabilities ?? "";
          resolve();
        } else if (m.type === "fatal") reject(new CoreError("the core did not start: " + m.error, "unavailable"));
        else if (m.type === "result") this.settle(m.id, m.response, m.ms);
      };
      const onError = (e: ErrorEvent) => {
        e.preventDefault();
        reject(new CoreError("the core's worker failed: " + (e.message || "unknown error"), "unavailable"));
      };
      w.onmessage = onMessage;
      w.onerror = onError;
      // What the worker said before this Core took it over.
      for (const e of booted?.events ?? []) {
        if (e instanceof MessageEvent) onMessage(e);
        else onError(e as ErrorEvent);
      }
    });
    mark("bp-core-ready");
    try {
      const env = JSON.parse(caps) as Envelope<Capabilities>;
      if (env.ok && env.result) {
        this.caps = env.result;
        return;
      }
    } catch {
      // an older worker: ask
    }
    this.caps = await this.call<Capabilities>("capabilities", {});
  }

  private settle(id: number, response: string, ms: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    // The first answer of each method, with its time inside the core.
    if (!performance.getEntriesByName(`bp-first-${p.method}`).length) performance.mark(`bp-first-${p.method}`, { detail: { core_ms: ms } });
    this.pending.delete(id);
    this.lastCallMs = ms;
    let env: Envelope<unknown>;
    try {
      env = JSON.parse(quoteBigInts(response));
    } catch {
      p.reject(new CoreError(`${p.method}: unreadable answer from the core`, "internal"));
      return;
    }
    if (env.ok) p.resolve(env.result);
    else {
      p.reject(new CoreError(env.error || "unknown error", env.internal ? "internal" : "input"));
      if (env.internal && /crashed|exited/.test(env.error || "")) this.restart();
    }
  }

  has(method: string): boolean {
    return !!this.caps && this.caps.methods.includes(method);
  }

  /** Calls a bridge method; params are sent as JSON. */
  call<T>(method: string, params: unknown): Promise<T> {
    const w = this.worker;
    if (!w) return Promise.reject(new CoreError("the core is not started", "unavailable"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      w.postMessage({ type: "call", id, method, params: JSON.stringify(params) });
    });
  }

  /** True while some call has not answered. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Stops whatever the core is doing: the worker is terminated, pending
   * calls fail with kind "cancelled", and a fresh worker starts. */
  cancel(): Promise<void> {
    return this.restart();
  }

  private restart(): Promise<void> {
    this.worker?.terminate();
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new CoreError("cancelled", "cancelled"));
    this.pending.clear();
    this.started = null;
    return this.start();
  }
}

/** The URLs of the compiled-in asset names. */
export function defaultURLs(base = BPFPLAY_ASSETS.base, origin = location.href): CoreURLs {
  return {
    worker: assetURL(BPFPLAY_ASSETS.worker, base, origin),
    wasm: assetURL(BPFPLAY_ASSETS.wasm, base, origin),
    wasmExec: assetURL(BPFPLAY_ASSETS.wasm_exec, base, origin),
  };
}

/** The Core for this page, built from the compiled-in asset names. */
export function defaultCore(base = BPFPLAY_ASSETS.base, origin = location.href): Core {
  return new Core(defaultURLs(base, origin));
}
