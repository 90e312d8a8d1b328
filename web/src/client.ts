// The page's handle on the Go core running in a Web Worker.
//
// The first worker fetches and compiles the wasm module and sends it back;
// later workers get the compiled module, so cancelling a run (terminating
// the worker) and starting a fresh one costs milliseconds, not a download.
// Every snippet of an embedding page shares one Core. The playground page
// starts its first worker from boot.js, before the app's bundle runs
// (docs/web.md, "Start-up").
//
// Two cores: the page starts with a core built without the ELF reader
// (smaller, so the first verdict comes sooner); the first call that needs
// one (elf.open, or load of an ELF object) moves the Core to the full core
// (urls.wasmELF) for good. The old worker finishes the calls it has and is
// then stopped (docs/web.md, "Two cores").

import type { Capabilities, Envelope } from "./api";

export class CoreError extends Error {
  constructor(
    message: string,
    readonly kind: "input" | "internal" | "cancelled" | "unavailable",
  ) {
    super(message);
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string; worker: Worker };

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

/** Where the worker, the wasm core and Go's wasm_exec.js are; wasmELF is
 * the full core with the ELF reader when wasm has none. */
export type CoreURLs = { worker: string; wasm: string; wasmExec: string; wasmELF?: string };

/** What only the full core does: open an ELF object, or load a program
 * from one. */
function needsELF(method: string, params: unknown): boolean {
  if (method === "elf.open") return true;
  const src = (params as { source?: { elf?: unknown } } | null)?.source;
  return method === "load" && !!src && !!src.elf;
}

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
  /** The core in use: false for urls.wasm, true once moved to urls.wasmELF. */
  private full = false;
  private moving: Promise<void> | null = null;
  /** Workers of the core left behind, until their calls have answered. */
  private retired = new Set<Worker>();
  private pending = new Map<number, Pending>();
  private nextId = 1;
  /** Milliseconds the last call spent inside the core (measured in the worker). */
  lastCallMs = 0;
  caps: Capabilities | null = null;
  /** Told when the Core starts (true) and ends (false) moving to the full
   * core, for a status line: the move takes about a second. */
  onMove: ((moving: boolean) => void) | null = null;

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

  /** The URLs of the core in use. */
  private coreURLs(): CoreURLs {
    return this.full && this.urls.wasmELF ? { ...this.urls, wasm: this.urls.wasmELF } : this.urls;
  }

  private async spawn(): Promise<void> {
    const urls = this.coreURLs();
    const booted = this.module ? null : adopt(urls);
    const w = booted ? booted.worker : startWorker(urls, this.module);
    this.worker = w;
    let caps = "";
    await new Promise<void>((resolve, reject) => {
      const onMessage = (e: MessageEvent) => {
        const m = e.data;
        if (this.retired.has(w)) {
          if (m.type === "result") this.settle(m.id, m.response, m.ms);
          return;
        }
        if (m.type === "ready") {
          for (const [name, at] of Object.entries((m.times ?? {}) as Record<string, number>)) mark(name, at);
          if (m.module) this.module = m.module;
          caps = m.capabilities ?? "";
          resolve();
        } else if (m.type === "fatal") {
          const err = new CoreError("the core did not start: " + m.error, "unavailable");
          this.failPending(w, err);
          reject(err);
        }
        else if (m.type === "result") this.settle(m.id, m.response, m.ms);
      };
      const onError = (e: ErrorEvent) => {
        e.preventDefault();
        const err = new CoreError("the core's worker failed: " + (e.message || "unknown error"), "unavailable");
        this.failPending(w, err);
        reject(err);
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
    this.pending.delete(id);
    if (this.retired.has(p.worker) && ![...this.pending.values()].some((q) => q.worker === p.worker)) {
      p.worker.terminate();
      this.retired.delete(p.worker);
    }
    // The first answer of each method, with its time inside the core.
    if (!performance.getEntriesByName(`bp-first-${p.method}`).length) performance.mark(`bp-first-${p.method}`, { detail: { core_ms: ms } });
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

  /** Whether the core has the method, or the full core it can move to
   * has it. */
  has(method: string): boolean {
    if (!this.caps) return false;
    return this.caps.methods.includes(method) || (method === "elf.open" && !this.full && !!this.urls.wasmELF);
  }

  /** Calls a bridge method; params are sent as JSON. A call that needs the
   * ELF reader the running core lacks moves to the full core first. */
  call<T>(method: string, params: unknown): Promise<T> {
    if (this.moving) return this.moving.then(() => this.call<T>(method, params));
    // A call made before the core said what it has (start-up) goes to the
    // worker at once (it keeps calls until Go has started), unless it may
    // need the full core: then it waits to know.
    if (!this.caps && this.started && this.urls.wasmELF && needsELF(method, params)) return this.started.then(() => this.call<T>(method, params));
    if (!this.full && this.urls.wasmELF && this.caps && !this.caps.methods.includes("elf.open") && needsELF(method, params)) {
      return this.moveToFull().then(() => this.call<T>(method, params));
    }
    const w = this.worker;
    if (!w) return Promise.reject(new CoreError("the core is not started", "unavailable"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method, worker: w });
      w.postMessage({ type: "call", id, method, params: JSON.stringify(params) });
    });
  }

  /** Starts the full core (download, compile, Go start: about a second)
   * and makes it the one in use; the running worker answers the calls it
   * has, then stops. If the full core cannot start, the Core stays on the
   * one it had and the call fails. */
  private moveToFull(): Promise<void> {
    if (!this.moving) {
      const old = this.worker;
      const oldModule = this.module;
      const oldCaps = this.caps;
      this.full = true;
      this.module = null;
      this.started = null;
      this.worker = null;
      this.onMove?.(true);
      this.moving = this.start()
        .then(
          () => {
            if (old) this.retire(old);
          },
          (e) => {
            this.worker?.terminate();
            this.full = false;
            this.module = oldModule;
            this.caps = oldCaps;
            this.worker = old;
            this.started = old ? Promise.resolve() : null;
            throw e;
          },
        )
        .finally(() => {
          this.moving = null;
          this.onMove?.(false);
        });
    }
    return this.moving;
  }

  /** Starts moving to the full core now when an ELF object is likely to
   * come (a file dragged over the page, the file picker, C mode), so that
   * it is ready, or nearly, when the object arrives. */
  prepareELF(): void {
    if (!this.full && this.urls.wasmELF && this.caps && !this.caps.methods.includes("elf.open")) this.moveToFull().catch(() => {});
  }

  /** Fails the calls sent to a worker that will never answer them. */
  private failPending(w: Worker, err: CoreError): void {
    for (const [id, p] of this.pending) {
      if (p.worker !== w) continue;
      this.pending.delete(id);
      p.reject(err);
    }
  }

  private retire(w: Worker): void {
    if ([...this.pending.values()].some((p) => p.worker === w)) this.retired.add(w);
    else w.terminate();
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
    for (const w of this.retired) w.terminate();
    this.retired.clear();
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
    wasmELF: BPFPLAY_ASSETS.wasm_elf ? assetURL(BPFPLAY_ASSETS.wasm_elf, base, origin) : undefined,
  };
}

/** The Core for this page, built from the compiled-in asset names. */
export function defaultCore(base = BPFPLAY_ASSETS.base, origin = location.href): Core {
  return new Core(defaultURLs(base, origin));
}
