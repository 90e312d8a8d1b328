// The page's handle on the Go core running in a Web Worker.
//
// The wasm module is fetched and compiled once per page; each worker gets
// the compiled module, so cancelling a run (terminating the worker) and
// starting a fresh one costs milliseconds, not a download. Every snippet
// of an embedding page shares one Core.

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

// Marks for the start-up figures (read by the e2e tests).
function mark(name: string): void {
  if (!performance.getEntriesByName(name).length) performance.mark(name);
}

export class Core {
  private worker: Worker | null = null;
  private module: Promise<WebAssembly.Module> | null = null;
  private started: Promise<void> | null = null;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** Milliseconds the last call spent inside the core (measured in the worker). */
  lastCallMs = 0;
  caps: Capabilities | null = null;

  constructor(private readonly urls: { worker: string; wasm: string; wasmExec: string }) {}

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

  private compile(): Promise<WebAssembly.Module> {
    if (!this.module) {
      this.module = (async () => {
        const resp = await fetch(this.urls.wasm);
        if (!resp.ok) throw new CoreError(`cannot load the core (${resp.status} ${resp.statusText}): ${this.urls.wasm}`, "unavailable");
        // compileStreaming needs the application/wasm type; fall back to bytes.
        if (WebAssembly.compileStreaming && resp.headers.get("content-type")?.startsWith("application/wasm")) {
          return WebAssembly.compileStreaming(resp);
        }
        return WebAssembly.compile(await resp.arrayBuffer());
      })();
      this.module.catch(() => (this.module = null));
    }
    return this.module;
  }

  private newWorker(): Worker {
    const url = this.urls.worker;
    if (new URL(url).origin === location.origin) return new Worker(url);
    // A page on another origin (embed.js) cannot start a worker from our
    // URL directly; a same-origin blob that imports it can.
    const blob = new Blob([`importScripts(${JSON.stringify(url)});`], { type: "text/javascript" });
    return new Worker(URL.createObjectURL(blob));
  }

  private async spawn(): Promise<void> {
    const module = await this.compile();
    mark("bp-wasm-compiled");
    const w = this.newWorker();
    this.worker = w;
    await new Promise<void>((resolve, reject) => {
      w.onmessage = (e: MessageEvent) => {
        const m = e.data;
        if (m.type === "ready") resolve();
        else if (m.type === "fatal") reject(new CoreError("the core did not start: " + m.error, "unavailable"));
        else if (m.type === "result") this.settle(m.id, m.response, m.ms);
      };
      w.onerror = (e) => {
        e.preventDefault();
        reject(new CoreError("the core's worker failed: " + (e.message || "unknown error"), "unavailable"));
      };
      w.postMessage({ type: "init", module, wasmExec: this.urls.wasmExec });
    });
    mark("bp-core-ready");
    this.caps = await this.call<Capabilities>("capabilities", {});
  }

  private settle(id: number, response: string, ms: number): void {
    const p = this.pending.get(id);
    if (!p) return;
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

/** The Core for this page, built from the compiled-in asset names. */
export function defaultCore(base = BPFPLAY_ASSETS.base, origin = location.href): Core {
  return new Core({
    worker: assetURL(BPFPLAY_ASSETS.worker, base, origin),
    wasm: assetURL(BPFPLAY_ASSETS.wasm, base, origin),
    wasmExec: assetURL(BPFPLAY_ASSETS.wasm_exec, base, origin),
  });
}
