// The playground page: editor on the left, the load pipeline's results
// on the right. Every call into the core goes through the worker
// (client.ts); the page keeps the state and renders.

import type { LoadRequest } from "./api";
import { Core, CoreError, defaultCore } from "./client";
import { clear, h } from "./dom";
import { type Dialect, Editor } from "./editor";
import { type Example, cExamples, examples } from "./examples";
import { type LoadView, assembleView, loadView } from "./model";
import { describe, formatHex, HexError, parseHex, templateHex, templates, toHex } from "./packet";
import { type NativeComparison, type PaneContext, Stepper, empty, renderJIT, renderLoad, renderRun, renderVerifier, stateCard } from "./panes";
import * as server from "./server";
import { type PlaygroundState, ShareError, decodeState, fragmentData, shareFragment, validate } from "./state";

interface ProgTypeInfo {
  name: string;
  ctx?: { name: string; size: number; fields: { name: string; off: number; size: number; elem: number; kind: string }[] };
  returns?: { name: string; value: number; doc: string }[];
  test_run: boolean;
  packet: boolean;
}

const PANES = ["verifier", "run", "jit", "load", "input"] as const;
type Pane = (typeof PANES)[number];
const PANE_LABEL: Record<Pane, string> = { verifier: "Verifier", run: "Run", jit: "JIT", load: "Load", input: "Input" };
const COMMON_TYPES = ["socket_filter", "xdp", "sched_cls", "sched_act", "cgroup_skb", "kprobe", "tracepoint", "raw_tracepoint", "lwt_in", "sk_skb", "flow_dissector"];

/** Figures the e2e tests read (docs/web.md). */
const metrics = { firstVerdictMs: -1, lastAnalyzeMs: -1, lastCoreMs: -1, analyses: 0, runs: 0, lastRunMs: -1, uncaught: [] as string[], lastSource: "", server: "" as "" | "none" | "present" };

class App {
  core: Core;
  editor!: Editor;
  st: PlaygroundState;
  view: LoadView | null = null;
  types: ProgTypeInfo[] = [];
  pane: Pane = "verifier";
  running = false;
  stepper: Stepper | null = null;
  analyzeTimer = 0;
  generation = 0;
  banner: HTMLElement | null = null;
  pcs = new Map<number, number>(); // line -> pc
  lines = new Map<number, number>(); // pc -> line
  el: Record<string, HTMLElement> = {};
  // bpfplay serve (server.ts): null on a static host.
  caps: server.ServerCaps | null = null;
  capsReady: Promise<server.ServerCaps | null> = Promise.resolve(null);
  useNative = false;
  nativeRun: NativeComparison | null = null;
  compiled: { source: string; data: string } | null = null;

  /** The first load, asked for before the page is built (see the
   * constructor), with the request it answers. */
  early: { key: string; answer: Promise<unknown> } | null = null;

  constructor(root: HTMLElement) {
    this.core = defaultCore();
    // The ELF reader is in a second core, loaded on first use (client.ts).
    this.core.onMove = (moving) => (moving ? this.setStatus("idle", "Loading the ELF reader…", "the full core, loaded once") : this.renderStatus());
    this.st = stateFromExample(examples[0]);
    // The default example's load goes to the core now, before the page
    // builds the editor: the worker starts it as soon as Go is ready
    // (docs/web.md, "Start-up"), and analyze() takes its answer when it
    // asks the same. A link's state is known only later (restoreFromURL).
    void this.core.start().catch(() => {}); // start() reports failures
    if (fragmentData(location.hash) === null && !/\/s\/[A-Za-z0-9_-]{6,32}$/.test(location.pathname)) {
      const req = this.request(false, this.st, this.st.pane ?? "verifier");
      const answer = this.core.call("load", req);
      answer.catch(() => {}); // analyze() reports failures
      this.early = { key: JSON.stringify(req), answer };
    }
    this.build(root);
  }

  // ---------- layout ----------

  build(root: HTMLElement): void {
    const typeSel = h("select", { id: "prog-type", "aria-label": "Program type", onchange: () => { this.st.prog_type = typeSel.value; this.renderInput(); this.analyzeSoon(0); } });
    const dialectSel = h("select", { id: "dialect", "aria-label": "Source language", onchange: () => this.setDialect(dialectSel.value as Dialect) },
      h("option", { value: "kernel" }, "eBPF asm (kernel)"), h("option", { value: "conformance" }, "eBPF asm (conformance)"), h("option", { value: "cbpf" }, "classic BPF"));
    this.el.typeSel = typeSel;
    this.el.dialectSel = dialectSel;
    const runBtn = h("button", { class: "bp-btn primary", id: "run", title: "Run on the input (Ctrl/⌘-Enter)", onclick: () => this.run() }, "▶ Run", h("span", { class: "bp-kbd bp-hide-narrow" }, isMac() ? "⌘↵" : "Ctrl↵"));
    this.el.runBtn = runBtn;
    const bar = h("header", { class: "bp-bar" },
      h("a", { class: "bp-brand", href: location.pathname.replace(/\/s\/[^/]*$/, "/") }, h("span", { class: "bp-logo" }, "bpf", h("b", null, "play")), h("span", { class: "bp-tag" }, "the eBPF playground · Linux 6.1")),
      h("label", { class: "bp-field" }, h("span", { class: "bp-hide-narrow" }, "type"), typeSel),
      h("label", { class: "bp-field" }, h("span", { class: "bp-hide-narrow" }, "source"), dialectSel),
      h("span", { class: "bp-spacer" }),
      h("button", { class: "bp-btn", id: "examples", onclick: () => this.showExamples() }, "Examples"),
      h("button", { class: "bp-btn", id: "share", title: "Copy a link to this program", onclick: () => this.share() }, "Share"),
      h("button", { class: "bp-btn ghost", id: "help", title: "Keyboard shortcuts (?)", "aria-label": "Help", onclick: () => this.showHelp() }, "?"),
      runBtn);

    const editorHost = h("div", { class: "bp-editor" });
    this.el.editorInfo = h("span", { class: "bp-note" });
    const fileInput = h("input", { type: "file", accept: ".o,application/x-object,application/octet-stream", hidden: true, onchange: () => { const f = fileInput.files?.[0]; if (f) this.openFile(f); fileInput.value = ""; } }) as HTMLInputElement;
    const editorCol = h("div", { class: "bp-editor-col" },
      h("div", { class: "bp-editor-head" }, (this.el.title = h("span", { class: "bp-title", id: "title" }, "program")), this.el.editorInfo, h("span", { class: "bp-spacer" }),
        h("button", { class: "bp-btn ghost", title: "Open a clang -target bpf object file (or drop it on the page)", onclick: () => { this.core.prepareELF(); fileInput.click(); } }, "Open .o"), fileInput),
      editorHost);

    this.el.status = h("div", { class: "bp-status", "aria-live": "polite" });
    const tabs = h("div", { class: "bp-tabs", role: "tablist" });
    const panes = h("div", { style: "display:contents" });
    for (const p of PANES) {
      const tab = h("button", { class: "bp-tab", role: "tab", id: `tab-${p}`, "aria-controls": `pane-${p}`, onclick: () => this.showPane(p) }, PANE_LABEL[p]);
      const pane = h("div", { class: "bp-pane", role: "tabpanel", id: `pane-${p}`, "aria-labelledby": `tab-${p}`, hidden: true });
      this.el[`tab-${p}`] = tab;
      this.el[`pane-${p}`] = pane;
      tabs.append(tab);
      panes.append(pane);
    }
    const side = h("div", { class: "bp-side" }, this.el.status, tabs, panes);
    this.el.main = h("main", { class: "bp-main" }, editorCol, side);
    clear(root, h("div", { class: "bp-app" }, bar, this.el.main));

    this.editor = new Editor(editorHost, {
      doc: this.st.source,
      dialect: this.st.dialect,
      // C is compiled on the server: wait for a pause in the typing.
      onChange: (t) => { this.st.source = t; this.analyzeSoon(this.st.dialect === "c" ? 900 : undefined); },
      onRun: () => this.run(),
      hover: (line) => this.hover(line),
    });
    this.fillTypes();
    this.setupKeys();
    this.setupDrop();
    this.setStatus("idle", "Starting the core…", "");
    this.showPane("verifier");
  }

  ctx: PaneContext = {
    goToPC: (pc) => { const l = this.lines.get(pc); if (l) this.editor.goToLine(l); },
    returns: () => this.types.find((t) => t.name === this.st.prog_type)?.returns ?? [],
    progType: () => this.st.prog_type,
    missing: (what) => {
      if (this.core.has("load")) {
        if (what === "jit" && this.view && !this.view.verifier) return "The JIT compiles programs the verifier accepted; this build has no verifier yet.";
        return "";
      }
      if (what === "run" && this.core.has("run")) return "This build has no verifier yet: Run executes the program in the interpreter without verifying it first.";
      const names = { verify: "The verifier", run: "Running programs", jit: "The JIT" };
      return `${names[what]} is not available in this build of bpfplay yet (the core's load pipeline is not compiled in).`;
    },
    native: () => this.nativeRun,
  };

  showPane(p: Pane): void {
    const needJIT = (p === "jit" || p === "load") && this.view && !this.view.jit && this.view.verifier?.accepted && !this.running;
    this.pane = p;
    if (needJIT) this.analyzeSoon(0);
    for (const q of PANES) {
      this.el[`tab-${q}`].setAttribute("aria-selected", String(q === p));
      this.el[`pane-${q}`].hidden = q !== p;
    }
    this.st.pane = p;
  }

  setStatus(kind: "ok" | "bad" | "warn" | "idle", verdict: string, text: string): void {
    clear(this.el.status,
      h("span", { class: `bp-verdict ${kind}`, id: "verdict", "data-kind": kind }, kind === "idle" && verdict.endsWith("…") ? h("span", { class: "bp-spin" }) : h("span", { class: "dot" }), verdict),
      h("span", { class: "bp-status-text", title: text }, text),
      this.banner);
  }

  // ---------- start-up ----------

  async start(): Promise<void> {
    this.capsReady = server.probe();
    const restored = this.restoreFromURL();
    const started = this.core.start();
    started.catch(() => {}); // reported below
    // The first verdict goes first, without waiting for the core to say
    // it is ready: apply() schedules the analysis on a zero-delay timer,
    // whose load call the worker keeps until Go has started (a round trip
    // through this thread saved). The program types (only the type list
    // needs them) are asked for after that, so the worker, which answers
    // in order, does not make the verdict wait for them.
    const st = await restored;
    this.apply(st ?? this.st);
    try {
      await started;
    } catch (e) {
      this.setStatus("bad", "Core unavailable", String((e as Error).message));
      this.renderAll();
      return;
    }
    await new Promise((r) => setTimeout(r, 0));
    const types = this.core.has("progtypes") ? this.core.call<ProgTypeInfo[]>("progtypes", {}).catch(() => []) : Promise.resolve([]);
    this.types = await types;
    this.fillTypes();
    this.renderInput();
    // Say which source languages this build cannot read yet.
    for (const o of Array.from((this.el.dialectSel as HTMLSelectElement).options)) {
      const known = o.value === "cbpf" ? this.core.has("load") : (this.core.caps?.dialects ?? []).includes(o.value);
      if (!known) o.textContent += " — not in this build yet";
    }
    void this.probeServer();
  }

  fillTypes(): void {
    const names = this.types.length ? this.types.map((t) => t.name) : COMMON_TYPES;
    const sorted = [...COMMON_TYPES.filter((n) => names.includes(n)), ...names.filter((n) => !COMMON_TYPES.includes(n)).sort()];
    clear(this.el.typeSel, ...sorted.map((n) => h("option", { value: n }, n)));
    (this.el.typeSel as HTMLSelectElement).value = this.st.prog_type;
  }

  async restoreFromURL(): Promise<PlaygroundState | null> {
    const data = fragmentData(location.hash);
    const m = /\/s\/([A-Za-z0-9_-]{6,32})$/.exec(location.pathname);
    try {
      if (data !== null) return await decodeState(data);
      if (m) {
        const resp = await fetch(new URL(`../api/share/${m[1]}`, location.href).href.replace(/\/s\/api\//, "/api/"));
        const body = await resp.json().catch(() => ({}));
        if (!resp.ok) throw new ShareError(body.error || `the short link ${m[1]} is unknown (${resp.status})`);
        return validate(body);
      }
    } catch (e) {
      this.showBanner(`This link could not be opened: ${(e as Error).message}. Showing an example instead.`);
    }
    return null;
  }

  /** Offers what bpfplay serve can do (short links, C, native runs);
   * on a static host nothing changes. */
  async probeServer(): Promise<void> {
    const caps = (this.caps = await this.capsReady);
    const dialectSel = this.el.dialectSel as HTMLSelectElement;
    if (caps?.share) {
      this.el.shortBtn = h("button", { class: "bp-btn", id: "short-link", title: "Store this program on the server and copy a short link", onclick: () => this.shortLink() }, "Short link");
      document.getElementById("share")?.after(this.el.shortBtn);
    }
    if (caps?.compile || this.st.dialect === "c") {
      dialectSel.append(h("option", { value: "c" }, caps?.compile ? "C (clang on the server)" : "C — needs bpfplay serve"));
      dialectSel.value = this.st.dialect;
    }
    if (caps?.run) {
      this.el.runBtn.before(h("label", { class: "bp-toggle", id: "native-toggle", title: "Run on the server too: the JIT's x86-64 code natively (sandboxed), beside the interpreter" },
        checkbox(this.useNative, (v) => { this.useNative = v; }), "native"));
    }
    metrics.server = caps ? "present" : "none";
  }

  showBanner(text: string): void {
    this.banner = h("span", { class: "bp-msg bad", style: "margin:0 0 0 auto", id: "banner", role: "alert" }, text);
    toast(text, 6000);
  }

  /** Loads a whole state into the page. */
  apply(st: PlaygroundState): void {
    this.st = { ...st };
    (this.el.typeSel as HTMLSelectElement).value = st.prog_type;
    if ((this.el.typeSel as HTMLSelectElement).value !== st.prog_type) {
      this.el.typeSel.append(h("option", { value: st.prog_type }, st.prog_type));
      (this.el.typeSel as HTMLSelectElement).value = st.prog_type;
    }
    (this.el.dialectSel as HTMLSelectElement).value = st.dialect;
    this.editor.setDialect(st.dialect);
    if (this.editor.text !== st.source) this.editor.text = st.source;
    this.el.title.textContent = st.elf ? st.elf.name + (st.elf.program ? ` · ${st.elf.program}` : "") : "program";
    this.showPane((PANES as readonly string[]).includes(st.pane ?? "") ? (st.pane as Pane) : "verifier");
    this.view = null;
    this.stepper = null;
    this.renderInput();
    this.analyzeSoon(0);
  }

  setDialect(d: Dialect): void {
    const was = this.st.dialect;
    if (d === "c") this.core.prepareELF(); // C compiles to an object the ELF reader opens
    if (d === "c" || was === "c") {
      this.st.elf = undefined;
      this.compiled = null;
      // The editor's text is in the other language: start from an example.
      const ex = d === "c" ? cExamples[0] : examples.find((x) => x.dialect === d);
      if (ex && (d === "c") !== /#include|SEC\(/.test(this.st.source)) return this.apply({ ...stateFromExample(ex), dialect: d, pane: this.st.pane });
    }
    this.st.dialect = d;
    this.editor.setDialect(d);
    this.analyzeSoon(0);
  }

  // ---------- the pipeline ----------

  request(withRun: boolean, st: PlaygroundState = this.st, pane: string = this.pane): LoadRequest {
    // Level 1 and no JIT while typing: level 2 (every state in the log)
    // and the JIT listing cost several times the verification itself in
    // wasm. The hover card has the states as data at any level; the JIT
    // runs when its pane is open (or on Run).
    const req: LoadRequest = { source: {}, prog_type: st.prog_type, log_level: st.log_level ?? 1, jit: withRun || pane === "jit" || pane === "load" };
    if (st.elf) req.source = { elf: st.elf.data, program: st.elf.program };
    else req.source = { text: st.source, dialect: st.dialect };
    if (st.maps?.length) req.maps = st.maps;
    if (st.unpriv) req.unpriv = true;
    if (st.prog_flags) req.prog_flags = st.prog_flags;
    if (withRun) req.run = { data: compactHex(st.packet ?? ""), ctx: compactHex(st.ctx ?? "") || undefined, trace: true };
    return req;
  }

  /** Calls load, or takes the early answer when it is for this request. */
  load(req: LoadRequest): Promise<unknown> {
    const early = this.early;
    this.early = null;
    if (early && early.key === JSON.stringify(req)) return early.answer;
    return this.core.call("load", req);
  }

  analyzeSoon(delay = 120): void {
    clearTimeout(this.analyzeTimer);
    this.analyzeTimer = window.setTimeout(() => this.analyze(), delay);
  }

  async analyze(): Promise<void> {
    const gen = ++this.generation;
    const t0 = performance.now();
    const analyzed = this.st.source;
    let v: LoadView;
    try {
      const c = await this.compileC();
      if (c === "stale") return;
      if (c) v = c;
      // Before the core's capabilities arrive (start-up), load is assumed:
      // every build has it.
      else if (!this.core.caps || this.core.has("load")) v = loadView(await this.load(this.request(false)));
      else if (this.st.elf) v = failed("Reading ELF objects is not available in this build of bpfplay yet.");
      else v = assembleView(await this.core.call("assemble", { text: this.st.source, dialect: this.st.dialect }));
    } catch (e) {
      if (e instanceof CoreError && e.kind === "cancelled") return;
      v = failed((e as Error).message);
    }
    if (gen !== this.generation) return; // a newer edit is on its way
    this.view = v;
    this.nativeRun = null;
    this.stepper = null;
    this.renderAll();
    metrics.lastAnalyzeMs = performance.now() - t0;
    metrics.lastSource = analyzed;
    metrics.lastCoreMs = this.core.lastCallMs;
    metrics.analyses++;
    if (metrics.firstVerdictMs < 0) {
      metrics.firstVerdictMs = performance.now();
      performance.mark("bp-first-verdict");
    }
  }

  async run(): Promise<void> {
    if (this.running) return;
    const method = this.core.has("load") ? "load" : this.core.has("run") ? "run" : "";
    if (!method) {
      this.showPane("run");
      return renderRun(this.el["pane-run"], this.view, this.ctx, false, () => {});
    }
    const c = await this.compileC();
    if (c === "stale") return;
    if (c) {
      this.view = c;
      return this.renderAll();
    }
    let req: LoadRequest;
    try {
      parseHex(this.st.packet ?? "");
      parseHex(this.st.ctx ?? "");
      req = this.request(true);
    } catch (e) {
      this.showPane("input");
      toast(`The input is not valid hex: ${(e as Error).message}`);
      return;
    }
    this.running = true;
    this.showPane("run");
    this.renderRunPane();
    this.el.runBtn.replaceChildren("■ Cancel");
    this.el.runBtn.onclick = () => this.core.cancel();
    const t0 = performance.now();
    const gen = ++this.generation;
    try {
      const native = this.useNative && this.caps?.run;
      const v = native ? await this.runOnServer(req) : loadView(await this.core.call(method, req));
      if (gen === this.generation) {
        this.view = v;
        if (!native) this.nativeRun = null;
      }
    } catch (e) {
      if (e instanceof CoreError && e.kind === "cancelled") toast("Run cancelled.");
      else if (e instanceof server.ServerError) toast(server.explain(e, "Running on the server"), 6000);
      else this.view = failed((e as Error).message);
    } finally {
      this.running = false;
      this.el.runBtn.replaceChildren("▶ Run", h("span", { class: "bp-kbd bp-hide-narrow" }, isMac() ? "⌘↵" : "Ctrl↵"));
      this.el.runBtn.onclick = () => this.run();
      metrics.runs++;
      metrics.lastRunMs = performance.now() - t0;
      this.renderAll();
    }
  }

  /** Runs the request on the server, natively and in the interpreter;
   * the interpreter's answer becomes the view (it has the trace for the
   * step debugger), both results go to the Run pane side by side. */
  async runOnServer(req: LoadRequest): Promise<LoadView> {
    const r = await server.runNative(req);
    const nv = loadView(r.native);
    const iv = loadView(r.interp);
    let note = "";
    if (nv.run && nv.run.engine && nv.run.engine !== "native") note = `The native runner did not take this program, so ${nv.run.engine === "interp" ? "the interpreter" : nv.run.engine} ran it on both sides. ${nv.warnings.join(" ")}`;
    else if (!nv.run && (nv.error || nv.warnings.length)) note = `Native: ${nv.error || nv.warnings.join(" ")}`;
    this.nativeRun = { native: nv.run, interp: iv.run, nativeNS: r.native_ns, interpNS: r.interp_ns, note };
    return iv;
  }

  /**
   * C mode: makes st.elf the object of the editor's C text, compiled by
   * the server's clang when the text changed. Answers null when the
   * object is ready, a view that says why there is none (clang's
   * diagnostics, no server), or "stale" when the text changed meanwhile.
   */
  async compileC(): Promise<LoadView | null | "stale"> {
    const st = this.st;
    if (st.dialect !== "c" || (st.elf && st.elf.name !== "prog.c")) return null; // not C, or a dropped .o
    const source = st.source;
    if (this.compiled?.source === source && st.elf) return null;
    const caps = await this.capsReady;
    if (!caps?.compile) {
      return failed(caps ? `This server cannot compile C: ${caps.reasons?.compile || "it has no clang"}.` : "C programs are compiled by the bpfplay server (clang); this page is served without one. Start it with bpfplay serve, or pick an assembly dialect.");
    }
    this.setStatus("idle", "Compiling…", "clang -O2 -g -target bpf on the server");
    let r: server.CompileResult;
    try {
      r = await server.compile(source);
    } catch (e) {
      if (this.st.source !== source) return "stale";
      if (e instanceof server.ServerError && e.retryAfterMs && (e.status === 429 || e.status === 503)) this.analyzeSoon(e.retryAfterMs + 50);
      return failed(server.explain(e, "Compiling"));
    }
    if (this.st.source !== source) return "stale";
    this.el.title.textContent = "prog.c";
    if (!r.ok || !r.object) {
      const marks = server.clangMarks(r.diagnostics ?? "").filter((m) => m.severity === "error");
      return { ...failed(marks[0]?.message ?? (r.diagnostics || "clang failed").split("\n")[0]), asmErrors: marks.map((m) => ({ line: m.line, col: m.col ?? 0, message: m.message })), raw: { clang: r.diagnostics ?? "" } };
    }
    const progs = (await this.core.call<{ programs?: { name: string; prog_type: string }[] }>("elf.open", { elf: r.object })).programs ?? [];
    if (this.st.source !== source) return "stale";
    if (!progs.length) return { ...failed("The object holds no BPF program: put one in a section, e.g. SEC(\"xdp\")."), raw: { clang: r.diagnostics } };
    const p = progs.find((x) => x.name === st.elf?.program) ?? progs[0];
    this.compiled = { source, data: r.object };
    st.elf = { name: "prog.c", data: r.object, program: p.name };
    this.el.title.textContent = `prog.c · ${p.name}`;
    if (p.prog_type && p.prog_type !== st.prog_type) {
      st.prog_type = p.prog_type;
      this.fillTypes();
      this.renderInput();
    }
    return null;
  }

  // ---------- rendering ----------

  renderAll(): void {
    const v = this.view;
    this.pcs = new Map();
    this.lines = new Map();
    for (const i of v?.listing ?? []) {
      if (i.line) {
        this.pcs.set(i.line, i.pc);
        if (!this.lines.has(i.pc)) this.lines.set(i.pc, i.line);
      }
    }
    const isC = this.st.dialect === "c" && this.st.elf?.name === "prog.c";
    if (isC && v) ({ pcs: this.pcs, lines: this.lines } = server.cLines(v.listing, v.raw, this.editor.text));
    const marks = (v?.asmErrors ?? []).map((e) => ({ line: e.line || 1, col: e.col, message: (e.line ? `${e.line}:${e.col}: ` : "") + e.message, severity: "error" as const }));
    const f = v?.verifier;
    const path = new Set<number>();
    if (f && !f.accepted) {
      const line = f.errorPC !== null ? this.lines.get(f.errorPC) : undefined;
      marks.push({ line: line ?? 1, col: 0, message: f.error || "rejected", severity: "error" });
      for (const pc of f.path) { const l = this.lines.get(pc); if (l) path.add(l); }
    }
    // C keeps its own line numbers; the instruction numbers are in the panes.
    this.editor.annotate({ pcs: this.pcs.size && this.st.dialect !== "c" ? this.pcs : null, marks, path, current: null });
    this.renderStatus();
    renderVerifier(this.el["pane-verifier"], v, this.ctx);
    this.renderRunPane();
    renderJIT(this.el["pane-jit"], v, this.ctx);
    renderLoad(this.el["pane-load"], v, this.ctx);
    this.el["tab-verifier"].replaceChildren("Verifier", v?.verifier ? h("span", { class: "bp-badge" }, v.verifier.accepted ? "✓" : "✕") : "");
    const slots = v?.listing.reduce((a, i) => a + i.width, 0) ?? 0;
    this.el.editorInfo.textContent = v && !v.asmErrors.length && v.listing.length ? `${v.listing.length} insns · ${slots} slots` : "";
  }

  renderStatus(): void {
    const v = this.view;
    if (!v) return this.setStatus("idle", "Working…", "");
    if (v.asmErrors.length) return this.setStatus("bad", this.st.dialect === "c" ? "Does not compile" : "Does not assemble", v.asmErrors[0].message);
    const f = v.verifier;
    if (f) {
      if (f.accepted) return this.setStatus("ok", "Accepted", `${f.processed ?? "?"} insns processed · ${this.st.prog_type}`);
      return this.setStatus("bad", "Rejected", (f.errorPC !== null ? `insn ${f.errorPC}: ` : "") + f.error);
    }
    if (!v.ok) return this.setStatus("bad", "Error", v.error);
    this.setStatus("warn", "Not verified", v.warnings[0] || this.ctx.missing("verify"));
  }

  renderRunPane(): void {
    renderRun(this.el["pane-run"], this.view, this.ctx, this.running, (host, run) => {
      this.stepper = new Stepper(run.trace, host, (pc) => {
        this.editor.annotate({ current: pc === null ? null : this.lines.get(pc) ?? null });
      }, () => this.pcs.get(this.editor.cursorLine()) ?? null);
    });
  }

  hover(line: number): HTMLElement | null {
    const pc = this.pcs.get(line);
    const f = this.view?.verifier;
    if (pc === undefined || !f) return null;
    const states = f.states.get(pc);
    if (!states?.length) return null;
    return stateCard(pc, states);
  }

  // ---------- input pane ----------

  renderInput(): void {
    const el = this.el["pane-input"];
    const t = this.types.find((x) => x.name === this.st.prog_type);
    const pkt = h("textarea", { class: "bp-hex", id: "packet", spellcheck: "false", "aria-label": "Packet bytes in hex" }) as HTMLTextAreaElement;
    pkt.value = this.st.packet ?? "";
    const info = h("div", { class: "bp-note", id: "packet-info" });
    const update = () => {
      this.st.packet = pkt.value;
      try {
        info.textContent = describe(parseHex(pkt.value));
        info.style.color = "";
      } catch (e) {
        info.textContent = e instanceof HexError ? e.message : String(e);
        info.style.color = "var(--bad)";
      }
    };
    pkt.addEventListener("input", update);
    update();
    const parts: (Node | null)[] = [];
    parts.push(h("section", { class: "bp-section" },
      h("h3", null, "Packet"),
      h("div", { class: "bp-row" }, ...templates.map((tp) => h("button", { class: "bp-chip", "data-template": tp.id, onclick: () => { pkt.value = templateHex(tp.id); update(); } }, tp.label))),
      pkt, info));
    if (t?.ctx) parts.push(this.ctxEditor(t.ctx));
    parts.push(this.mapsEditor());
    parts.push(h("section", { class: "bp-section" }, h("h3", null, "Load options"),
      h("label", { class: "bp-row" }, checkbox(!!this.st.unpriv, (v) => { this.st.unpriv = v; this.analyzeSoon(0); }), "Load as an unprivileged user"),
      h("label", { class: "bp-row" }, "Verifier log level ", selectOf(["1", "2"], String(this.st.log_level ?? 1), (v) => { this.st.log_level = +v; this.analyzeSoon(0); }))));
    clear(el, ...parts);
  }

  ctxEditor(c: NonNullable<ProgTypeInfo["ctx"]>): HTMLElement {
    let bytes: Uint8Array;
    try {
      bytes = parseHex(this.st.ctx ?? "");
    } catch {
      bytes = new Uint8Array(0);
    }
    const buf = new Uint8Array(c.size);
    buf.set(bytes.subarray(0, c.size));
    const rows = c.fields.filter((f) => f.kind === "scalar" && f.size <= 8).map((f) => {
      const read = () => { let v = 0n; for (let i = f.size - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[f.off + i]); return v; };
      const input = h("input", { type: "text", value: String(read()), "aria-label": f.name }) as HTMLInputElement;
      input.addEventListener("change", () => {
        let v: bigint;
        try { v = BigInt(input.value.trim() || "0"); } catch { input.value = String(read()); toast(`${f.name}: not a number`); return; }
        v = BigInt.asUintN(f.size * 8, v);
        for (let i = 0; i < f.size; i++) buf[f.off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
        this.st.ctx = buf.some((b) => b) ? toHex(buf) : "";
      });
      return h("tr", null, h("td", { class: "num" }, `+${f.off}`), h("td", null, f.name), h("td", { class: "bp-note" }, `u${f.size * 8}`), h("td", null, input));
    });
    return h("section", { class: "bp-section" }, h("h3", null, `Context: struct ${c.name}`),
      h("div", { class: "bp-note", style: "margin-bottom:6px" }, "Fields the program may read from r1. Pointers (data, data_end, …) are filled in by the kernel from the packet."),
      h("div", { class: "bp-card" }, h("table", { class: "bp-table bp-ctx" }, ...rows)));
  }

  mapsEditor(): HTMLElement {
    const maps = this.st.maps ?? [];
    if (!maps.length) return h("section", { class: "bp-section" }, h("h3", null, "Maps"), h("div", { class: "bp-note" }, "This program uses no maps."));
    return h("section", { class: "bp-section" }, h("h3", null, "Maps and their initial contents"),
      ...maps.map((m, i) => {
        const ta = h("textarea", { class: "bp-hex", style: "min-height:60px", spellcheck: "false", placeholder: "key hex = value hex, one entry per line", "aria-label": `initial entries of ${m.name}` }) as HTMLTextAreaElement;
        ta.value = (m.init ?? []).map((e) => `${e.key} = ${e.value}`).join("\n");
        const err = h("div", { class: "bp-note" });
        ta.addEventListener("change", () => {
          try {
            const init = ta.value.split("\n").filter((l) => l.trim()).map((l, n) => {
              const [k, v] = l.split("=");
              if (v === undefined) throw new HexError(`line ${n + 1}: write "key = value"`);
              const key = parseHex(k), value = parseHex(v);
              if (m.key_size && key.length !== m.key_size) throw new HexError(`line ${n + 1}: the key has ${key.length} bytes, the map's keys have ${m.key_size}`);
              if (m.value_size && value.length !== m.value_size) throw new HexError(`line ${n + 1}: the value has ${value.length} bytes, the map's values have ${m.value_size}`);
              return { key: toHex(key), value: toHex(value) };
            });
            this.st.maps![i] = { ...m, init };
            err.textContent = "";
          } catch (e) {
            err.textContent = (e as Error).message;
            err.style.color = "var(--bad)";
          }
        });
        return h("div", { class: "bp-card pad", style: "margin-bottom:8px" },
          h("div", { class: "bp-row mono" }, h("strong", null, m.name ?? `map ${i}`), h("span", { class: "bp-pill" }, m.type), h("span", { class: "bp-note" }, `key ${m.key_size} B · value ${m.value_size} B · ${m.max_entries} entries`)),
          ta, err);
      }));
  }

  // ---------- files ----------

  setupDrop(): void {
    let overlay: HTMLElement | null = null;
    const hide = () => { overlay?.remove(); overlay = null; };
    window.addEventListener("dragover", (e) => {
      if (!e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      if (!overlay) {
        document.body.append((overlay = h("div", { class: "bp-drop" }, "Drop a .o file to load its programs")));
        this.core.prepareELF();
      }
    });
    window.addEventListener("dragleave", (e) => { if (!e.relatedTarget) hide(); });
    window.addEventListener("drop", (e) => {
      e.preventDefault();
      hide();
      const f = e.dataTransfer?.files?.[0];
      if (f) this.openFile(f);
    });
  }

  async openFile(f: File): Promise<void> {
    const buf = new Uint8Array(await f.arrayBuffer());
    if (buf.length === 0) return this.showError(`${f.name} is empty.`);
    if (buf.length < 4 || buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) {
      // Text files are taken as source.
      const text = new TextDecoder().decode(buf);
      if (buf.length < 1 << 20 && !/[\u0000-\u0008\u000e-\u001f]/.test(text)) {
        this.apply({ ...this.st, source: text, elf: undefined });
        return;
      }
      this.showError(`${f.name} is not an ELF object file (it does not start with \\x7fELF). Build one with clang -O2 -target bpf -c prog.c.`);
      return;
    }
    if (!this.core.has("elf.open")) {
      this.showError("Reading ELF objects is not available in this build of bpfplay yet.");
      return;
    }
    const data = b64(buf);
    try {
      const r = await this.core.call<{ programs: { name: string; section: string; prog_type: string; insns: number }[] }>("elf.open", { elf: data });
      const progs = r.programs ?? [];
      if (!progs.length) return this.showError(`${f.name} holds no BPF programs.`);
      const pick = (p: (typeof progs)[number]) => this.apply({ ...this.st, elf: { name: f.name, data, program: p.name }, prog_type: p.prog_type || this.st.prog_type, source: this.st.source });
      if (progs.length === 1) return pick(progs[0]);
      this.dialog(`Programs in ${f.name}`, h("div", { class: "bp-gallery" }, ...progs.map((p) =>
        h("button", { class: "bp-ex", onclick: () => { closeDialog(); pick(p); } }, h("span", { class: "t mono" }, p.name), h("span", { class: "d" }, `section ${p.section} · ${p.insns} insns`), h("span", { class: "m" }, h("span", { class: "bp-pill" }, p.prog_type))))));
    } catch (e) {
      const m = (e as Error).message;
      this.showError(m.startsWith("not ") ? `${f.name} is ${m}` : `${f.name}: ${m}`);
    }
  }

  showError(text: string): void {
    this.setStatus("bad", "Error", text);
    toast(text, 6000);
  }

  // ---------- share, examples, help, keys ----------

  async share(): Promise<void> {
    const frag = await shareFragment(shareable(this.st));
    const url = location.origin + location.pathname.replace(/\/s\/[^/]*$/, "/") + frag;
    history.replaceState(null, "", url);
    try {
      await navigator.clipboard.writeText(url);
      toast(`Link copied (${url.length} characters).`);
    } catch {
      this.dialog("Share this program", h("p", null, "Copy this link:"), h("textarea", { class: "bp-hex", readonly: true, onfocus: (e: Event) => (e.target as HTMLTextAreaElement).select() }, url));
    }
  }

  /** Stores the state on the server (POST /api/share) and shows the
   * short link, copied to the clipboard when the browser allows. */
  async shortLink(): Promise<void> {
    const btn = this.el.shortBtn as HTMLButtonElement;
    btn.disabled = true;
    try {
      const url = await server.shortLink(shareable(this.st));
      const copied = await navigator.clipboard.writeText(url).then(() => true, () => false);
      this.dialog("Short link",
        h("div", { class: "bp-link-row" },
          h("input", { type: "text", id: "short-url", readonly: true, value: url, "aria-label": "Short link", onfocus: (e: Event) => (e.target as HTMLInputElement).select() }),
          h("a", { class: "bp-btn", href: url, target: "_blank", rel: "noopener" }, "Open")),
        h("p", { class: "bp-note", style: "margin:10px 0 0" }, copied ? "Copied to the clipboard. " : "", "The link names this program's content: it never changes, and sharing the same program again gives the same link."));
      (document.getElementById("short-url") as HTMLInputElement | null)?.select();
    } catch (e) {
      toast(server.explain(e, "Making a short link"), 6000);
    } finally {
      btn.disabled = false;
    }
  }

  showExamples(): void {
    // C examples only where the server can compile them; first in C mode.
    const list = !this.caps?.compile ? examples : this.st.dialect === "c" ? [...cExamples, ...examples] : [...examples, ...cExamples];
    this.dialog("Examples", h("div", { class: "bp-gallery", id: "gallery" }, ...list.map((ex) =>
      h("button", { class: "bp-ex", "data-example": ex.id, onclick: () => { closeDialog(); this.apply(stateFromExample(ex)); } },
        h("span", { class: "t" }, ex.title), h("span", { class: "d" }, ex.about),
        h("span", { class: "m" }, h("span", { class: "bp-pill" }, ex.progType), ex.dialect === "cbpf" ? h("span", { class: "bp-pill" }, "classic") : null, ex.dialect === "c" ? h("span", { class: "bp-pill" }, "C") : null, ex.expect === "reject" ? h("span", { class: "bp-pill bad" }, "rejected") : null)))));
  }

  showHelp(): void {
    const k = (keys: string, what: string) => [h("span", null, ...keys.split(" ").map((x) => h("span", { class: "bp-kbd", style: "margin-right:4px" }, x))), h("span", null, what)];
    const mod = isMac() ? "⌘" : "Ctrl";
    this.dialog("Keyboard shortcuts", h("div", { class: "bp-keys", id: "shortcuts" },
      ...k(`${mod} Enter`, "Run the program on the input"),
      ...k("Esc", "Cancel a run, close a dialog"),
      ...k("Alt →", "Step the debugger"),
      ...k("Alt ←", "Step back"),
      ...k(`Alt 1…5`, "Verifier, Run, JIT, Load, Input"),
      ...k(`${mod} F`, "Search in the editor"),
      ...k(`${mod} Z`, "Undo"),
      ...k("?", "This help (outside the editor)")),
      h("p", { class: "bp-note", style: "margin-top:16px" }, "Verification runs as you type. Hover an instruction to see the verifier's state of every register and stack slot there; click an instruction number in the log to jump to it."));
  }

  dialog(title: string, ...body: Node[]): void {
    closeDialog();
    const overlay = h("div", { class: "bp-overlay", id: "dialog", onclick: (e: Event) => { if (e.target === overlay) closeDialog(); } },
      h("div", { class: "bp-dialog", role: "dialog", "aria-modal": "true", "aria-label": title },
        h("header", null, h("h2", null, title), h("span", { class: "bp-spacer" }), h("button", { class: "bp-btn ghost", "aria-label": "Close", onclick: closeDialog }, "✕")),
        h("div", { class: "body" }, ...body)));
    document.body.append(overlay);
    (overlay.querySelector("button.bp-ex, button") as HTMLElement | null)?.focus();
  }

  setupKeys(): void {
    window.addEventListener("keydown", (e) => {
      const inEditor = (e.target as HTMLElement)?.closest?.(".cm-editor, textarea, input, select");
      if (e.key === "Escape") {
        if (document.getElementById("dialog")) closeDialog();
        else if (this.running) this.core.cancel();
      } else if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        this.run();
      } else if (e.altKey && (e.key === "ArrowRight" || e.key === "ArrowLeft") && this.stepper) {
        e.preventDefault();
        this.stepper.step(e.key === "ArrowRight" ? 1 : -1);
      } else if (e.altKey && /^Digit[1-5]$/.test(e.code)) {
        e.preventDefault();
        this.showPane(PANES[+e.code.slice(5) - 1]);
      } else if (e.key === "?" && !inEditor) {
        this.showHelp();
      }
    });
  }
}

// ---------- helpers ----------

function stateFromExample(ex: Example): PlaygroundState {
  const [tmpl, l3] = ex.packet.split("/");
  let packet = templateHex(tmpl);
  if (l3 === "l3") packet = formatHex(parseHex(packet).subarray(14));
  return { v: 1, source: ex.source, dialect: ex.dialect, prog_type: ex.progType, packet, maps: ex.maps.map((m) => ({ ...m })) };
}

/** The state as shared: a C program travels as C (the object is
 * compiled again when the link is opened). */
function shareable(st: PlaygroundState): PlaygroundState {
  return st.dialect === "c" && st.elf?.name === "prog.c" ? { ...st, elf: undefined } : st;
}

function failed(message: string): LoadView {
  return { ...assembleView({}), ok: false, error: message };
}

function compactHex(s: string): string {
  return toHex(parseHex(s));
}

function b64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform);
}

function checkbox(v: boolean, on: (v: boolean) => void): HTMLInputElement {
  const c = h("input", { type: "checkbox" }) as HTMLInputElement;
  c.checked = v;
  c.addEventListener("change", () => on(c.checked));
  return c;
}

function selectOf(options: string[], value: string, on: (v: string) => void): HTMLSelectElement {
  const s = h("select", null, ...options.map((o) => h("option", { value: o }, o)));
  s.value = value;
  s.addEventListener("change", () => on(s.value));
  return s;
}

function closeDialog(): void {
  document.getElementById("dialog")?.remove();
}

let toastTimer = 0;
function toast(text: string, ms = 2500): void {
  document.getElementById("toast")?.remove();
  const t = h("div", { class: "bp-toast", id: "toast", role: "status" }, text);
  document.body.append(t);
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => t.remove(), ms);
}

// Any error that escapes shows as a message, not a blank page.
// (The e2e tests fail when metrics.uncaught is not empty.)
window.addEventListener("error", (e) => { metrics.uncaught.push(e.message); toast(`Something went wrong: ${e.message}`, 8000); });
window.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  const m = String((e.reason as Error)?.message ?? e.reason);
  metrics.uncaught.push(m);
  toast(`Something went wrong: ${m}`, 8000);
});

const root = document.getElementById("app");
if (root) {
  const app = new App(root);
  (window as unknown as { __bpfplay: unknown }).__bpfplay = {
    metrics,
    app,
    setSource: (s: string) => { app.editor.text = s; },
    state: () => app.st,
    /** Share-link fragment sizes of the gallery's examples. */
    linkSizes: async () => {
      const out: Record<string, number> = {};
      for (const ex of examples) out[ex.id] = (await shareFragment(stateFromExample(ex))).length;
      return out;
    },
  };
  void app.start();
}
export { empty };
