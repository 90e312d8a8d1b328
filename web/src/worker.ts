// The Web Worker that hosts the Go core. The page never runs Go on its
// own thread, so a long verification or run cannot freeze it; cancelling
// is terminating this worker (client.ts starts a fresh one from the
// already-compiled module).
//
// The worker also fetches and compiles the wasm itself: streaming
// compilation feeds the module's bytes to V8 on the thread that asked for
// it, and on the page's thread that held up the page's own start-up
// (parsing, the editor) by hundreds of milliseconds.
//
// Start: a worker started with the URLs in its name (new Worker(url,
// {name: JSON {wasm, wasmExec}}), the first worker of a page) starts the
// download at its first line; a worker started for an already compiled
// module waits for the init message that carries it. The first worker
// must not wait for a message: the page posts it before the worker exists,
// and Chromium hands such messages over only once the page's thread has
// heard that the worker's script ran, which waits behind whatever the
// page's thread is doing (parsing and running app.js: hundreds of ms).
//
// Protocol (structured-clone messages):
//   page -> worker  {type:"init", wasm, wasmExec}      once; wasm is the URL
//                                                      or an already compiled
//                                                      WebAssembly.Module
//                                                      (ignored when the
//                                                      name started it)
//                   {type:"call", id, method, params}  params is JSON text
//   worker -> page  {type:"ready", times, module, capabilities}
//                   | {type:"fatal", error}
//                   {type:"result", id, response, ms}  response is JSON text
//
// ready carries the compiled module (the page keeps it for the next worker)
// and the answer of the "capabilities" method (JSON text), which the page
// needs before anything else. times are the worker's start-up steps on the
// page's clock (absolute milliseconds, performance.timeOrigin + now());
// client.ts turns them into performance marks for the start-up figure.

declare function importScripts(...urls: string[]): void;
declare const Go: { new (): { importObject: WebAssembly.Imports; run(i: WebAssembly.Instance): Promise<void>; exited?: boolean } };

type InitMsg = { type: "init"; wasm: string | WebAssembly.Module; wasmExec: string };
type CallMsg = { type: "call"; id: number; method: string; params: string };

const scope = self as unknown as {
  name: string;
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
  bpfplayCall?: (method: string, params: string) => string;
  bpfplayReady?: () => void;
};

let ready: Promise<void> | null = null;

const times: Record<string, number> = {};
function stamp(name: string): void {
  times[name] = performance.timeOrigin + performance.now();
}
stamp("bp-worker-start");

async function compile(url: string): Promise<WebAssembly.Module> {
  const resp = await fetch(url);
  if (!resp.ok) throw new Error(`cannot load the core (${resp.status} ${resp.statusText}): ${url}`);
  // compileStreaming needs the application/wasm type; fall back to bytes.
  if (WebAssembly.compileStreaming && resp.headers.get("content-type")?.startsWith("application/wasm")) {
    return WebAssembly.compileStreaming(resp);
  }
  return WebAssembly.compile(await resp.arrayBuffer());
}

async function init(m: InitMsg): Promise<{ module: WebAssembly.Module; capabilities: string }> {
  stamp("bp-worker-init");
  // The download and compilation start first; wasm_exec.js is fetched
  // and run (synchronously) while they go on.
  const compiled = typeof m.wasm === "string" ? compile(m.wasm) : Promise.resolve(m.wasm);
  compiled.catch(() => {}); // reported below, after importScripts
  importScripts(m.wasmExec);
  stamp("bp-worker-wasm-exec");
  const module = await compiled;
  stamp("bp-wasm-compiled");
  const go = new Go();
  const started = new Promise<void>((resolve) => {
    scope.bpfplayReady = resolve;
  });
  const inst = await WebAssembly.instantiate(module, go.importObject);
  stamp("bp-worker-instantiated");
  const exited = go.run(inst).then(() => {
    throw new Error("the Go core exited");
  });
  await Promise.race([started, exited]);
  stamp("bp-worker-go-ready");
  const capabilities = scope.bpfplayCall!("capabilities", "{}");
  stamp("bp-worker-capabilities");
  return { module, capabilities };
}

function begin(m: InitMsg): void {
  const started = init(m);
  ready = started.then(() => {});
  started.then(
    ({ module, capabilities }) => scope.postMessage({ type: "ready", times, module, capabilities }),
    (err) => scope.postMessage({ type: "fatal", error: String(err && err.message ? err.message : err) }),
  );
}

// The URLs in the worker's name (client.ts): start now.
function fromName(): InitMsg | null {
  try {
    const n = JSON.parse(scope.name || "null") as { wasm?: unknown; wasmExec?: unknown } | null;
    if (n && typeof n.wasm === "string" && typeof n.wasmExec === "string") return { type: "init", wasm: n.wasm, wasmExec: n.wasmExec };
  } catch {
    // not ours: wait for the init message
  }
  return null;
}

const named = fromName();
if (named) begin(named);

// V8 compiles a wasm function the first time it is called, so the first
// run of a page would pay for compiling the interpreter and its run
// set-up (the Run pane's time showed ~20 ms for 14 instructions). Once
// the page has its first answer, the worker runs a small program through
// the same path while the page is idle, unless it was not built with
// "load". Its answer is dropped.
const WARM_UP = JSON.stringify({
  source: { text: "r2 = *(u32 *)(r1 +0)\nr0 = 2\nif r2 > 100 goto +1\nr0 = 1\nexit\n", dialect: "kernel" },
  prog_type: "xdp",
  run: { data: "00".repeat(64), trace: true },
});
let warmed = false;

function warmUp(): void {
  if (warmed) return;
  warmed = true;
  setTimeout(() => {
    try {
      scope.bpfplayCall!("load", WARM_UP);
    } catch {
      // a core without "load", or one that cannot run: nothing to warm
    }
  }, 50);
}

scope.onmessage = (e: MessageEvent) => {
  const m = e.data as InitMsg | CallMsg;
  if (m.type === "init") {
    if (!ready) begin(m);
    return;
  }
  if (m.type === "call") {
    const run = () => {
      const t0 = performance.now();
      let response: string;
      try {
        response = scope.bpfplayCall!(m.method, m.params);
      } catch (err) {
        response = JSON.stringify({ ok: false, internal: true, error: "the core crashed: " + String(err) });
      }
      scope.postMessage({ type: "result", id: m.id, response, ms: performance.now() - t0 });
      warmUp();
    };
    if (ready) ready.then(run, () => {});
  }
};
