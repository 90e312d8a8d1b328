// The result panes: Verifier, Run (with the step debugger), JIT and Load.
// Each renders a LoadView into its element; none talks to the core.

import { clear, h } from "./dom";
import type { InsnState, JitView, LoadView, RunView, TraceStep } from "./model";
import { retvalText } from "./model";

export interface PaneContext {
  /** Moves the editor to the instruction at pc. */
  goToPC(pc: number): void;
  /** The program type's named return codes. */
  returns(): { name: string; value: number; doc: string }[];
  progType(): string;
  /** Why a part of the pipeline is missing in this build, or "". */
  missing(what: "verify" | "run" | "jit"): string;
  /** The last run on the server, natively and in the interpreter. */
  native?(): NativeComparison | null;
}

/** One program run twice by `bpfplay serve` (POST /api/run): as x86-64
 * machine code in the JIT's sandboxed runner, and in the interpreter. */
export interface NativeComparison {
  native: RunView | null;
  interp: RunView | null;
  /** The server's wall time for each (verify + JIT + run), ns. */
  nativeNS: number;
  interpNS: number;
  /** Why the native side did not run natively or not at all, or "". */
  note: string;
}

export function empty(title: string, text: string): HTMLElement {
  return h("div", { class: "bp-empty" }, h("strong", null, title), text);
}

function section(title: string | Node[], ...body: (Node | string | null)[]): HTMLElement {
  return h("section", { class: "bp-section" }, h("h3", null, title), ...body);
}

/** Renders a kernel log with every instruction number ("12:" at a line
 * start, "pc+3", "insn 7") clickable. */
export function renderLog(log: string, ctx: PaneContext, errorLine?: string): HTMLElement {
  const pre = h("pre", { class: "bp-log mono" });
  for (const line of log.split("\n")) {
    const m = /^(\d+)(:.*)$/.exec(line);
    if (m) {
      const pc = +m[1];
      pre.append(h("a", { class: "pc", href: "#", title: `go to instruction ${pc}`, "data-pc": pc, onclick: (e: Event) => { e.preventDefault(); ctx.goToPC(pc); } }, m[1]), linkify(m[2], ctx), "\n");
    } else if (/^(processed \d+ insns|verification time|stack depth)/.test(line)) {
      pre.append(h("span", { class: "stat" }, line), "\n");
    } else if (errorLine && line === errorLine) {
      pre.append(h("span", { class: "err" }, line), "\n");
    } else {
      pre.append(linkify(line, ctx), "\n");
    }
  }
  return pre;
}

function linkify(text: string, ctx: PaneContext): Node {
  const frag = document.createDocumentFragment();
  const re = /\b(insn |from |to )(\d+)\b/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    frag.append(text.slice(last, m.index) + m[1]);
    const pc = +m[2];
    frag.append(h("a", { class: "pc", href: "#", onclick: (e: Event) => { e.preventDefault(); ctx.goToPC(pc); } }, m[2]));
    last = m.index + m[0].length;
  }
  frag.append(text.slice(last));
  return frag;
}

export function renderVerifier(el: HTMLElement, v: LoadView | null, ctx: PaneContext): void {
  if (!v) return clear(el, empty("Nothing to verify yet", "Write a program or open an example."));
  if (typeof v.raw?.clang === "string") {
    // C mode: clang's own text, with the source lines and carets it prints.
    const n = v.asmErrors.length;
    return clear(el,
      h("div", { class: "bp-msg bad", "data-testid": "clang-error" }, n ? `clang could not compile the program: ${n} error${n > 1 ? "s" : ""}, marked in the editor.` : v.error || "clang could not compile the program."),
      v.raw.clang ? section("clang", h("pre", { class: "bp-card bp-log mono bp-clang" }, v.raw.clang)) : null);
  }
  if (v.asmErrors.length) {
    return clear(el,
      h("div", { class: "bp-msg bad" }, `The program does not assemble: ${v.asmErrors.length} error${v.asmErrors.length > 1 ? "s" : ""}. They are marked in the editor.`),
      section("Assembler", h("div", { class: "bp-card" }, h("table", { class: "bp-table" }, ...v.asmErrors.map((e) =>
        h("tr", null, h("td", { class: "num" }, e.line ? `${e.line}:${e.col}` : "—"), h("td", { style: "white-space:pre-wrap" }, e.message)))))));
  }
  const f = v.verifier;
  if (!f) {
    if (!v.ok && v.error) return clear(el, h("div", { class: "bp-msg bad", "data-testid": "load-error" }, v.error), v.listing.length ? listingSection("Program", v, ctx) : null);
    const why = v.warnings.join("\n") || ctx.missing("verify");
    return clear(el, why ? h("div", { class: "bp-msg info" }, why) : null, listingSection("Program", v, ctx));
  }
  const parts: (Node | null)[] = [];
  if (!f.accepted && f.error) {
    parts.push(h("div", { class: "bp-msg bad" }, f.errorPC !== null ? h("a", { href: "#", class: "pc", onclick: (e: Event) => { e.preventDefault(); ctx.goToPC(f.errorPC!); } }, `insn ${f.errorPC}`) : null, f.errorPC !== null ? ": " : "", f.error, f.errno ? ` (errno ${f.errno})` : ""));
  }
  const stats: [string, string][] = [];
  if (f.processed !== null) stats.push(["insns processed", String(f.processed)]);
  stats.push(...f.stats.filter(([k]) => k !== "insns processed"));
  if (stats.length) parts.push(section("Statistics", h("div", { class: "bp-kv" }, ...stats.map(([k, x]) => h("span", { title: statNotes[k] }, h("span", { class: "k" }, k), " ", h("b", { class: "mono" }, x))))));
  if (f.path.length && !f.accepted) {
    parts.push(section("Path to the rejection", h("div", { class: "bp-card pad mono" }, ...f.path.flatMap((pc, i) => [i ? " → " : "", h("a", { href: "#", class: "pc", onclick: (e: Event) => { e.preventDefault(); ctx.goToPC(pc); } }, String(pc))]))));
  }
  parts.push(section("Log", h("div", { class: "bp-card" }, f.log ? renderLog(f.log, ctx, f.error) : h("div", { class: "bp-empty" }, "The verifier wrote no log at this level."))));
  clear(el, ...parts);
}

function listingSection(title: string, v: LoadView, ctx: PaneContext): HTMLElement {
  return section(title, h("div", { class: "bp-card" }, h("table", { class: "bp-table" },
    h("tr", null, h("th", null, "pc"), h("th", null, "bytes"), h("th", null, "instruction")),
    ...v.listing.map((i) => h("tr", { style: "cursor:pointer", onclick: () => ctx.goToPC(i.pc) },
      h("td", { class: "num" }, String(i.pc)), h("td", { class: "bytes" }, spacedHex(i.hex)), h("td", null, i.text))))));
}

export function spacedHex(s: string): string {
  return s.replace(/(..)(?!$)/g, "$1 ");
}

/** r0's name and meaning for the program type ("XDP_DROP"). */
function retvalMeaning(r: bigint, run: RunView, ctx: PaneContext): { name: string; doc: string } {
  const u32 = Number(BigInt.asUintN(32, r));
  const rets = ctx.returns();
  let name = "";
  let doc = "";
  const exact = rets.find((x) => BigInt(x.value) === BigInt.asIntN(64, r) || x.value === u32 || x.value === (u32 | 0));
  if (run.retvalName) {
    name = run.retvalName;
    doc = rets.find((x) => x.name === name)?.doc ?? "";
  } else if (exact && !(ctx.progType() === "socket_filter" && u32 !== 0)) {
    name = exact.name;
    doc = exact.doc;
  } else if (ctx.progType() === "socket_filter") {
    name = u32 === 0 ? "drop" : "accept";
    doc = u32 === 0 ? "the packet is dropped" : u32 === 0xffffffff ? "keep the whole packet" : `keep the first ${u32} bytes`;
  }
  return { name, doc };
}

/** r0 explained for the program type. */
function retvalCard(run: RunView, ctx: PaneContext): HTMLElement {
  const r = run.retval!;
  const t = retvalText(r);
  const { name, doc } = retvalMeaning(r, run, ctx);
  return h("div", { class: "bp-card pad" }, h("div", { class: "bp-r0" },
    h("span", { class: "k bp-note" }, "r0"),
    h("span", { class: "v", "data-testid": "r0" }, t.dec),
    h("span", { class: "mono bp-note" }, t.hex),
    name ? h("span", { class: "name", "data-testid": "r0-name" }, name) : null,
    doc ? h("span", { class: "doc" }, doc) : null));
}

/** The step debugger over a run's trace. Position i means i instructions
 * have executed: the editor marks the next one (trace[i].pc), the
 * registers are their values after i steps, and those the last step wrote
 * are highlighted. */
export class Stepper {
  private i = 0;
  private snaps: Record<string, string>[] = [{}];
  constructor(
    private trace: TraceStep[],
    private el: HTMLElement,
    private onPC: (pc: number | null) => void,
    private cursorPC: () => number | null,
  ) {
    let cur: Record<string, string> = {};
    for (const s of trace) {
      cur = { ...cur, ...s.regs };
      this.snaps.push(cur);
    }
    this.render();
  }
  step(d: number): void {
    this.i = Math.max(0, Math.min(this.trace.length, this.i + d));
    this.render();
  }
  runTo(): void {
    const pc = this.cursorPC();
    if (pc === null) return;
    for (let j = this.i + 1; j < this.trace.length; j++) {
      if (this.trace[j].pc === pc) {
        this.i = j;
        return this.render();
      }
    }
  }
  private render(): void {
    const n = this.trace.length;
    const next = this.trace[this.i];
    const snap = this.snaps[this.i] ?? {};
    const changed = new Set(Object.keys(this.i > 0 ? this.trace[this.i - 1].regs : {}));
    const regs = Object.keys(snap).sort((a, b) => +a.slice(1) - +b.slice(1) || a.localeCompare(b));
    clear(this.el,
      h("div", { class: "bp-stepper" },
        h("button", { class: "bp-btn", title: "Step back (Alt+←)", "data-testid": "step-back", onclick: () => this.step(-1), disabled: this.i === 0 }, "← Back"),
        h("button", { class: "bp-btn", title: "Step (Alt+→)", "data-testid": "step", onclick: () => this.step(1), disabled: this.i >= n }, "Step →"),
        h("button", { class: "bp-btn", title: "Run to the instruction under the cursor", onclick: () => this.runTo() }, "Run to cursor"),
        h("button", { class: "bp-btn ghost", onclick: () => { this.i = 0; this.render(); } }, "Restart"),
        h("span", { class: "pos", "data-testid": "step-pos" }, `step ${this.i} / ${n} · ${next ? `next: insn ${next.pc}` : "exited"}`)),
      regs.length
        ? h("div", { class: "bp-card bp-regs", "data-testid": "regs" }, ...regs.map((r) =>
            h("div", { class: "bp-reg" + (changed.has(r) ? " changed" : "") }, h("span", { class: "n" }, r), h("span", null, snap[r]))))
        : h("div", { class: "bp-card pad bp-note", "data-testid": "regs" }, "No register written yet: r1 holds the context and r10 the frame pointer."));
    this.onPC(next ? next.pc : null);
  }
}

export function renderRun(el: HTMLElement, v: LoadView | null, ctx: PaneContext, running: boolean, stepperHost: (host: HTMLElement, run: RunView) => void): void {
  if (running) return clear(el, h("div", { class: "bp-empty" }, h("strong", null, h("span", { class: "bp-spin" }), " Running…"), "Press Esc or Cancel to stop."));
  const run = v?.run;
  if (!run) {
    const why = ctx.missing("run");
    return clear(el, why ? h("div", { class: "bp-msg info" }, why) : null, empty("Not run yet", "Press Run (Ctrl/⌘-Enter) to run the program on the input packet."));
  }
  const parts: (Node | null)[] = [];
  if (!run.verified) parts.push(h("div", { class: "bp-msg warn" }, ctx.missing("run") || "The program ran without being verified: this build has no verifier yet."));
  if (!run.ok) parts.push(h("div", { class: "bp-msg bad", "data-testid": "run-error" },
    run.faultPC !== null ? h("a", { href: "#", class: "pc", onclick: (e: Event) => { e.preventDefault(); ctx.goToPC(run.faultPC!); } }, `insn ${run.faultPC}`) : null,
    run.faultPC !== null ? ": " : "", run.error || `the run failed (errno ${run.errno})`));
  const cmp = ctx.native?.();
  if (cmp) parts.push(nativeSection(cmp, ctx));
  else if (run.retval !== null) parts.push(section("Result", retvalCard(run, ctx)));
  const facts: [string, string, string?][] = [];
  if (run.executed !== null) facts.push(["insns executed", String(run.executed)]);
  if (run.ns !== null && !cmp) facts.push(["run time", duration(run.ns), runTimeNote]);
  if (facts.length) parts.push(h("div", { class: "bp-stats bp-section" }, ...facts.map(([k, x, title]) => h("div", { class: "bp-stat", title }, h("div", { class: "k" }, k), h("div", { class: "v" }, x)))));
  parts.push(section("trace_printk", run.output.length ? h("pre", { class: "bp-card bp-log mono", "data-testid": "trace-output" }, run.output.join("\n")) : h("div", { class: "bp-note" }, "No output.")));
  if (run.ringbuf.length) parts.push(section("Ring buffer", h("div", { class: "bp-card" }, h("table", { class: "bp-table" }, ...run.ringbuf.map((r, i) => h("tr", null, h("td", { class: "num" }, String(i)), h("td", null, spacedHex(r))))))));
  for (const m of run.maps) {
    parts.push(section(`Map ${m.name} after the run`, m.entries.length ? h("div", { class: "bp-card" }, h("table", { class: "bp-table" },
      h("tr", null, h("th", null, "key"), h("th", null, "value")),
      ...m.entries.map((e) => h("tr", null, h("td", null, spacedHex(e.key)), h("td", null, spacedHex(e.value)))))) : h("div", { class: "bp-note" }, "empty")));
  }
  if (run.dataOut) parts.push(section("Packet after the run", h("pre", { class: "bp-card bp-log mono" }, spacedHex(run.dataOut))));
  if (run.trace.length) {
    const host = h("div", null);
    parts.push(section("Step through", host, run.truncated ? h("div", { class: "bp-note" }, "The trace was cut short: it shows the first steps only.") : null));
    stepperHost(host, run);
  }
  clear(el, ...parts);
}

/** Hover notes on the verifier's statistics whose meaning is not the kernel's. */
const statNotes: Record<string, string> = {
  "verification usec": "bpfplay's own wall time in this tab, not the kernel's. The first verification of a page includes compiling the verifier's WebAssembly.",
};

/** What the run time measures, shown on hover: browsers round their
 * clock to 0.1 ms, and a page's first run also compiles the interpreter. */
const runTimeNote = "Wall time of the program's run in this tab's interpreter (maps, context and compilation excluded). Browsers round the clock to 0.1 ms, and the first run of a page includes compiling the interpreter's WebAssembly.";

function duration(ns: number | null): string {
  if (ns === null) return "—";
  if (ns < 1e4) return `${ns} ns`;
  if (ns < 1e7) return `${(ns / 1e3).toFixed(1)} µs`;
  return `${(ns / 1e6).toFixed(1)} ms`;
}

/** The two engines side by side, with a verdict on whether they agree. */
function nativeSection(c: NativeComparison, ctx: PaneContext): HTMLElement {
  const column = (engine: "native" | "interp", title: string, sub: string, run: RunView | null, wallNS: number) => {
    let result: Node;
    if (run?.retval !== null && run?.retval !== undefined) {
      const t = retvalText(run.retval);
      const { name } = retvalMeaning(run.retval, run, ctx);
      result = h("div", { class: "bp-r0" }, h("span", { class: "k bp-note" }, "r0"), h("span", { class: "v", "data-testid": `r0-${engine}` }, t.dec), h("span", { class: "mono bp-note" }, t.hex), name ? h("span", { class: "name" }, name) : null);
    } else {
      result = h("div", { class: "bp-msg bad", "data-testid": `r0-${engine}` }, run ? run.error || `the run failed (errno ${run.errno})` : "did not run");
    }
    const fact = (k: string, v: string, title = "") => h("span", { title }, h("span", { class: "k" }, k), " ", h("b", { class: "mono" }, v));
    return h("div", { class: "bp-card pad bp-engine", "data-engine": engine },
      h("div", { class: "bp-engine-head" }, h("strong", null, title), h("span", { class: "bp-note" }, sub)),
      result,
      h("div", { class: "bp-kv" },
        engine === "native"
          ? fact("sandboxed run", duration(run?.ns ?? null), "wall time of the sandboxed child process: start it, load the code, run once")
          : fact("run", duration(run?.ns ?? null), "the interpreter's run time"),
        fact("request", duration(wallNS), "the server's wall time for the whole request: verify, JIT, run"),
        run?.executed ? fact("insns", String(run.executed)) : null));
  };
  const a = c.native?.retval ?? null;
  const b = c.interp?.retval ?? null;
  let verdict: HTMLElement;
  if (a !== null && b !== null && a === b) {
    const { name } = retvalMeaning(a, c.interp!, ctx);
    verdict = h("div", { class: "bp-msg ok", "data-testid": "engines-verdict", "data-agree": "true" }, `✓ Both engines return r0 = ${retvalText(a).dec}${name ? ` (${name})` : ""}.`);
  } else if (a !== null && b !== null) {
    verdict = h("div", { class: "bp-msg bad", "data-testid": "engines-verdict", "data-agree": "false" }, `✕ The engines disagree: native r0 = ${retvalText(a).dec}, interpreter r0 = ${retvalText(b).dec}. One of them has a bug — please report it.`);
  } else {
    verdict = h("div", { class: "bp-msg warn", "data-testid": "engines-verdict", "data-agree": "unknown" }, `Only ${a !== null ? "the native run" : b !== null ? "the interpreter" : "neither engine"} returned a value.`);
  }
  const outDiffers = c.native?.dataOut && c.interp?.dataOut && c.native.dataOut !== c.interp.dataOut;
  return section("Native and interpreter", verdict,
    c.note ? h("div", { class: "bp-msg warn", "data-testid": "native-note" }, c.note) : null,
    outDiffers ? h("div", { class: "bp-msg bad" }, "The packets after the run differ between the engines.") : null,
    h("div", { class: "bp-engines" },
      column("native", "Native", "x86-64 JIT · sandboxed on the server", c.native, c.nativeNS),
      column("interp", "Interpreter", "bpfplay's interpreter on the server", c.interp, c.interpNS)));
}

export function renderJIT(el: HTMLElement, v: LoadView | null, ctx: PaneContext): void {
  const j: JitView | null | undefined = v?.jit;
  if (!j) {
    const why = ctx.missing("jit");
    return clear(el, why ? h("div", { class: "bp-msg info" }, why) : null, empty("No machine code", v?.verifier && !v.verifier.accepted ? "The JIT runs only on programs the verifier accepted." : "Verify a program to see the x86-64 code Linux 6.1 emits for it."));
  }
  if (j.error) return clear(el, h("div", { class: "bp-msg bad" }, j.error));
  let lastPC: number | null = -1;
  let seen = false;
  const rows = j.lines.map((l) => {
    const first = l.pc !== null && l.pc !== lastPC;
    // Machine code of no instruction: the prologue before the first one,
    // the epilogue (leave; ret; int3) after the last.
    const frame = l.pc === null && lastPC !== null ? (seen ? "epilogue" : "prologue") : "";
    if (l.pc !== null) {
      lastPC = l.pc;
      seen = true;
    } else lastPC = null;
    const insn = first ? v!.xlated.find((x) => x.pc === l.pc) ?? v!.listing.find((x) => x.pc === l.pc) : undefined;
    return h("tr", { class: first || frame ? "group" : "" },
      h("td", { class: "num" }, first ? h("a", { href: "#", class: "pc", "data-pc": String(l.pc), onclick: (e: Event) => { e.preventDefault(); ctx.goToPC(l.orig ?? l.pc!); } }, String(l.pc)) : ""),
      h("td", { class: "bp-note" }, first && insn ? insn.text : frame ? h("em", null, frame) : ""),
      h("td", { class: "num" }, l.off.toString(16).padStart(3, "0")),
      h("td", { class: "bytes" }, spacedHex(l.hex)),
      h("td", null, l.asm));
  });
  clear(el,
    h("div", { class: "bp-stats bp-section" },
      h("div", { class: "bp-stat" }, h("div", { class: "k" }, "machine code"), h("div", { class: "v", "data-testid": "jit-size" }, `${j.size} bytes`)),
      h("div", { class: "bp-stat" }, h("div", { class: "k" }, "eBPF insns"), h("div", { class: "v" }, String(v!.xlated.length || v!.listing.length)))),
    section("x86-64", h("div", { class: "bp-card", "data-testid": "jit-listing" }, h("table", { class: "bp-table" },
      h("tr", null, h("th", null, "pc"), h("th", null, "eBPF"), h("th", null, "off"), h("th", null, "bytes"), h("th", null, "x86-64")), ...rows))));
}

export function renderLoad(el: HTMLElement, v: LoadView | null, ctx: PaneContext): void {
  if (!v || v.asmErrors.length) return clear(el, empty("Nothing loaded", "bpf_prog_load starts once the program assembles."));
  const f = v.verifier;
  const step = (n: number, title: string, state: "ok" | "bad" | "idle", ...body: (Node | string | null)[]) =>
    h("li", { class: "bp-card pad", style: "list-style:none;margin-bottom:10px" },
      h("div", { style: "display:flex;gap:10px;align-items:center;margin-bottom:4px" },
        h("span", { class: `bp-verdict ${state}` }, h("span", { class: "dot" }), String(n)), h("strong", null, title)), ...body);
  const steps: HTMLElement[] = [];
  steps.push(step(1, "Decode", "ok", h("div", { class: "bp-note" }, `${v.listing.length} instructions, ${v.listing.reduce((a, i) => a + i.width, 0)} slots`)));
  if (!f) {
    steps.push(step(2, "Verify (bpf_check)", "idle", h("div", { class: "bp-note" }, ctx.missing("verify"))));
  } else {
    steps.push(step(2, "Verify (bpf_check)", f.accepted ? "ok" : "bad", h("div", { class: "bp-note" }, f.accepted ? `accepted after ${f.processed ?? "?"} processed instructions` : `rejected: ${f.error}`)));
    if (f.accepted) {
      steps.push(step(3, "Rewrites: the xlated program", v.xlated.length ? "ok" : "idle",
        v.xlated.length ? h("table", { class: "bp-table", style: "margin-top:6px" }, ...v.xlated.map((i) => h("tr", null, h("td", { class: "num" }, String(i.pc)), h("td", { class: "bytes" }, spacedHex(i.hex)), h("td", null, i.text)))) : h("div", { class: "bp-note" }, "not reported by this build")));
      const depth = v.stackDepth;
      const rounded = depth === null ? null : Math.max(32, Math.ceil(depth / 32) * 32);
      steps.push(step(4, "Select the runtime", v.runtime ? "ok" : "idle",
        h("div", { class: "bp-note" }, v.runtime === "jit" ? "JIT-compiled to x86-64 (bpf_jit_enable=1)" : v.runtime ? `interpreter ${v.interpreter || ""}` : "not reported by this build"),
        depth !== null ? h("div", { class: "bp-note" }, `stack depth ${depth} bytes → interpreter variant for ${rounded} bytes (${v.interpreter || `__bpf_prog_run${rounded}`})`) : null));
      steps.push(step(5, "Allocate an id", v.id !== null ? "ok" : "idle", h("div", { class: "bp-note" }, v.id !== null ? `prog id ${v.id}` : "not reported by this build")));
    }
  }
  clear(el, h("ol", { style: "padding:0;margin:0" }, ...steps));
}

/** The hover card: every register and stack slot at one instruction. */
export function stateCard(pc: number, states: InsnState[]): HTMLElement {
  return h("div", { class: "bp-statecard" },
    ...states.map((s, k) => h("div", { style: k ? "margin-top:10px" : "" },
      h("h4", null, `insn ${pc}` + (states.length > 1 ? ` · state ${k + 1} of ${states.length}` : "") + (s.frame ? ` · frame ${s.frame}` : "")),
      h("table", null, ...s.regs.map((r) => h("tr", null, h("td", { class: "n" }, r.reg), h("td", { class: "t" }, r.text)))),
      s.stack.length ? h("table", { style: "margin-top:6px" }, ...s.stack.map((x) => h("tr", null, h("td", { class: "n" }, `fp${x.off}`), h("td", { class: "t" }, x.text)))) : null)));
}
