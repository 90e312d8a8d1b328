// The view model: what the panes show, built from the core's answers.
// The core's JSON is read defensively here and only here, so a field the
// core does not produce (yet) is simply absent in the view, and a schema
// change touches one file.

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface ListedInsn {
  pc: number;
  line: number;
  width: number;
  hex: string;
  text: string;
}

export interface AsmError {
  line: number;
  col: number;
  message: string;
}

export interface RegState {
  reg: string;
  text: string; // the kernel's rendering, e.g. "ctx(off=0,imm=0)"
  type?: string;
}

export interface InsnState {
  pc: number;
  frame: number;
  regs: RegState[];
  stack: { off: number; text: string }[];
}

export interface VerifierView {
  accepted: boolean;
  errno: number;
  error: string; // one line
  errorPC: number | null;
  log: string;
  processed: number | null;
  stats: [string, string][];
  states: Map<number, InsnState[]>;
  path: number[];
}

export interface TraceStep {
  pc: number;
  regs: Record<string, string>;
}

export interface RunView {
  ok: boolean;
  errno: number;
  error: string;
  retval: bigint | null;
  retvalName: string;
  engine: string;
  dataOut: string;
  output: string[];
  maps: { name: string; entries: { key: string; value: string }[] }[];
  ringbuf: string[];
  executed: number | null;
  trace: TraceStep[];
  truncated: boolean;
  ns: number | null;
  faultPC: number | null;
  /** False when the program ran without being verified. */
  verified: boolean;
}

export interface JitLine {
  off: number;
  hex: string;
  asm: string;
  pc: number | null;
  /** The instruction as written this code comes from (pc is a slot of
   * the xlated program when the verifier rewrote it). */
  orig: number | null;
}

export interface JitView {
  hex: string;
  size: number;
  lines: JitLine[];
  error: string;
}

export interface LoadView {
  ok: boolean;
  errno: number;
  error: string;
  warnings: string[];
  listing: ListedInsn[];
  asmErrors: AsmError[];
  verifier: VerifierView | null;
  xlated: ListedInsn[];
  stackDepth: number | null;
  runtime: string;
  interpreter: string;
  id: number | null;
  run: RunView | null;
  jit: JitView | null;
  raw: any;
}

const num = (v: any): number | null => (typeof v === "number" && isFinite(v) ? v : null);
const str = (v: any): string => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
const arr = (v: any): any[] => (Array.isArray(v) ? v : []);

export function listingOf(v: any): ListedInsn[] {
  return arr(v).map((x: any, i: number) => ({
    pc: num(x?.pc) ?? i,
    line: num(x?.line) ?? 0,
    width: num(x?.width) ?? 1,
    hex: str(x?.hex),
    text: str(x?.text ?? x?.insn ?? x),
  }));
}

export function asmErrorsOf(v: any): AsmError[] {
  return arr(v).map((e: any) => ({ line: num(e?.line) ?? 0, col: num(e?.col) ?? 0, message: str(e?.message ?? e) }));
}

function regsOf(v: any): RegState[] {
  if (Array.isArray(v)) return v.map((r: any) => ({ reg: str(r?.reg ?? r?.name), text: str(r?.text ?? r?.value), type: r?.type ? str(r.type) : undefined }));
  if (v && typeof v === "object") return Object.entries(v).map(([reg, text]) => ({ reg, text: typeof text === "string" ? text : JSON.stringify(text) }));
  return [];
}

function verifierOf(v: any, top: any): VerifierView | null {
  if (!v && top?.log === undefined) return null;
  v = v ?? top;
  const states = new Map<number, InsnState[]>();
  const raw = arr(v.states);
  if (raw.length && Array.isArray(raw[0]) || raw.some((x) => Array.isArray(x) || x === null)) {
    // core/verifier: States[slot] = [{Frames: [{Regs, Stack}]}]
    raw.forEach((perSlot: any, pc: number) => {
      const list: InsnState[] = [];
      for (const st of arr(perSlot)) {
        arr(st?.Frames ?? st?.frames).forEach((f: any, frame: number, frames: any[]) => {
          if (frame !== frames.length - 1) return; // the current frame
          list.push({
            pc, frame,
            regs: arr(f?.Regs ?? f?.regs).map((r: any) => ({ reg: typeof r?.Reg === "number" ? `R${r.Reg}` : str(r?.reg), text: str(r?.Text ?? r?.text), type: str(r?.Type ?? r?.type) })),
            stack: arr(f?.Stack ?? f?.stack).map((x: any) => ({ off: num(x?.Off ?? x?.off) ?? 0, text: x?.Spill?.Text ? `${str(x.Types)} ${str(x.Spill.Text)}` : str(x?.Types ?? x?.text) })),
          });
        });
      }
      if (list.length) states.set(pc, list);
    });
  }
  for (const s of raw) {
    if (Array.isArray(s)) continue;
    const pc = num(s?.pc);
    if (pc === null) continue;
    const st: InsnState = {
      pc,
      frame: num(s?.frame) ?? 0,
      regs: regsOf(s?.regs),
      stack: arr(s?.stack).map((x: any) => ({ off: num(x?.off) ?? 0, text: str(x?.text ?? x?.type) })),
    };
    states.set(pc, [...(states.get(pc) ?? []), st]);
  }
  const statsObj: Record<string, unknown> = { ...(v.stats && typeof v.stats === "object" ? v.stats : {}) };
  const processed = num(v.insns_processed ?? statsObj.insns_processed);
  delete statsObj.insns_processed;
  return {
    accepted: v.ok === true || v.accepted === true || v.verdict === "accepted",
    errno: num(v.errno) ?? 0,
    error: str(v.error),
    errorPC: num(v.error_pc ?? v.errorPC),
    log: str(v.log),
    processed,
    stats: Object.entries(statsObj).map(([k, x]) => [k.replace(/_/g, " "), Array.isArray(x) ? x.join(", ") : typeof x === "object" ? JSON.stringify(x) : String(x)]),
    states,
    path: arr(v.path).map((p: any) => (typeof p === "number" ? p : Number(p?.PC ?? p?.pc))).filter((x) => isFinite(x)),
  };
}

function bigOf(v: any): bigint | null {
  try {
    if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
    if (typeof v === "string" && v !== "") return BigInt(v);
  } catch {
    /* not a number */
  }
  return null;
}

function runOf(v: any, top?: any): RunView | null {
  if (!v || typeof v !== "object") return null;
  return {
    ok: v.ok !== false,
    errno: num(v.errno) ?? 0,
    error: str(v.error || v.fault?.message),
    retval: bigOf(v.r0 ?? v.retval),
    retvalName: str(v.retval_name),
    engine: str(v.engine),
    dataOut: str(v.data_out),
    output: typeof v.trace_pipe === "string" ? v.trace_pipe.split("\n").filter((l: string) => l.trim() !== "") : arr(v.output).filter((x: any) => typeof x === "string"),
    maps: arr(v.maps_after ?? v.maps).map((m: any, i: number) => ({ name: str(m?.name) || `map ${i}`, entries: arr(m?.entries).map((e: any) => ({ key: str(e?.key), value: str(e?.value) })) })),
    ringbuf: [...arr(v.ringbuf).map(str), ...arr(v.output).filter((x: any) => x && typeof x === "object").map((o: any) => str(o.data))],
    executed: num(v.insns ?? v.insns_executed),
    trace: arr(v.trace).map((t: any) => ({ pc: num(t?.pc) ?? 0, regs: traceRegs(t?.regs) })),
    truncated: !!(v.trace_truncated ?? v.TraceTruncated),
    ns: num(v.duration_ns ?? v.ns),
    faultPC: num(v.fault?.pc ?? v.fault_pc),
    verified: !!top?.verifier || top?.verified === true,
  };
}

function jitOf(v: any): JitView | null {
  if (!v || typeof v !== "object") return null;
  const hex = str(v.code ?? v.hex);
  return {
    hex,
    size: num(v.size) ?? hex.length / 2,
    lines: arr(v.listing ?? v.lines).map((l: any) => ({
      off: num(l?.off) ?? 0,
      hex: typeof l?.hex === "string" ? l.hex : /^(?:[0-9a-f]{2})*$/.test(str(l?.bytes)) ? str(l?.bytes) : b64hex(l?.bytes),
      asm: str(l?.text ?? l?.asm) + (l?.note ? `  ; ${l.note}` : ""),
      pc: num(l?.slot ?? l?.pc) === -1 ? null : num(l?.slot ?? l?.pc),
      orig: num(l?.orig_slot),
    })),
    error: str(v.error),
  };
}

function b64hex(v: any): string {
  if (typeof v !== "string") return "";
  try {
    const bin = atob(v);
    let out = "";
    for (let i = 0; i < bin.length; i++) out += bin.charCodeAt(i).toString(16).padStart(2, "0");
    return out;
  } catch {
    return "";
  }
}

/** Trace registers as {rN: "0x..."}: from an object, or from interp's
 * [{reg, value}] (values may be numbers or, past 2^53, strings). */
function traceRegs(v: any): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) {
    for (const w of v) {
      const b = bigOf(w?.value);
      out[`r${w?.reg}`] = b === null ? str(w?.value) : "0x" + BigInt.asUintN(64, b).toString(16);
    }
  } else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) out[k] = str(x);
  }
  return out;
}

/** Builds the view from a "load" answer. */
export function loadView(r: any): LoadView {
  const load = r?.load ?? {};
  const diags = arr(r?.diagnostics);
  const asmDiags = diags.filter((d: any) => d?.severity === "error" && (d?.stage === "assemble" || d?.stage === "input") && (d?.line ?? 0) > 0);
  const otherErrors = diags.filter((d: any) => d?.severity === "error" && !asmDiags.includes(d));
  return {
    ok: r?.ok !== false,
    errno: num(r?.errno) ?? 0,
    error: str(r?.error) || otherErrors.map((d: any) => str(d?.message)).join("\n"),
    warnings: diags.filter((d: any) => d?.severity === "warning").map((d: any) => str(d?.message)),
    listing: listingOf(r?.listing ?? r?.insns),
    asmErrors: [...asmErrorsOf(r?.errors), ...asmErrorsOf(asmDiags)],
    verifier: r?.verifier ? verifierOf(r.verifier, r) : null,
    xlated: listingOf(r?.xlated_listing ?? r?.xlated),
    stackDepth: num(load.stack_depth ?? r?.stack_depth),
    runtime: str(load.runtime),
    interpreter: str(load.interpreter),
    id: num(load.id ?? r?.id),
    run: runOf(r?.run, r),
    jit: jitOf(r?.jit),
    raw: r,
  };
}

/** The view of an "assemble" answer alone (no verifier in this build). */
export function assembleView(r: any): LoadView {
  const errs = asmErrorsOf(r?.errors);
  return {
    ok: errs.length === 0, errno: errs.length ? 22 : 0, error: errs[0]?.message ?? "",
    warnings: [], listing: listingOf(r?.insns), asmErrors: errs, verifier: null, xlated: [], stackDepth: null,
    runtime: "", interpreter: "", id: null, run: null, jit: null, raw: r,
  };
}

/** Formats r0 as the kernel prints test_run retval (u32) and signed. */
export function retvalText(v: bigint): { hex: string; dec: string } {
  const u64 = BigInt.asUintN(64, v);
  const s64 = BigInt.asIntN(64, v);
  return { hex: "0x" + u64.toString(16), dec: s64.toString() };
}
