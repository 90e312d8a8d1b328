// The Web Worker that hosts the Go core. The page never runs Go on its
// own thread, so a long verification or run cannot freeze it; cancelling
// is terminating this worker (client.ts starts a fresh one from the
// already-compiled module).
//
// Protocol (structured-clone messages):
//   page -> worker  {type:"init", module, wasmExec}   once
//                   {type:"call", id, method, params} params is JSON text
//   worker -> page  {type:"ready"} | {type:"fatal", error}
//                   {type:"result", id, response, ms} response is JSON text

declare function importScripts(...urls: string[]): void;
declare const Go: { new (): { importObject: WebAssembly.Imports; run(i: WebAssembly.Instance): Promise<void>; exited?: boolean } };

type InitMsg = { type: "init"; module: WebAssembly.Module; wasmExec: string };
type CallMsg = { type: "call"; id: number; method: string; params: string };

const scope = self as unknown as {
  postMessage(m: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
  bpfplayCall?: (method: string, params: string) => string;
  bpfplayReady?: () => void;
};

let ready: Promise<void> | null = null;

async function init(m: InitMsg): Promise<void> {
  importScripts(m.wasmExec);
  const go = new Go();
  const started = new Promise<void>((resolve) => {
    scope.bpfplayReady = resolve;
  });
  const inst = await WebAssembly.instantiate(m.module, go.importObject);
  const exited = go.run(inst).then(() => {
    throw new Error("the Go core exited");
  });
  await Promise.race([started, exited]);
}

scope.onmessage = (e: MessageEvent) => {
  const m = e.data as InitMsg | CallMsg;
  if (m.type === "init") {
    ready = init(m);
    ready.then(
      () => scope.postMessage({ type: "ready" }),
      (err) => scope.postMessage({ type: "fatal", error: String(err && err.message ? err.message : err) }),
    );
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
    };
    if (ready) ready.then(run, () => {});
  }
};
