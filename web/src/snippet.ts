// A runnable snippet: a small editor, a Run button, the verdict and the
// result, and "open in playground". Used by the /embed view and by
// embed.js on documentation pages (many snippets, one shared Core).

import { Core, CoreError } from "./client";
import { clear, h } from "./dom";
import { Editor } from "./editor";
import { loadView, retvalText, assembleView } from "./model";
import { parseHex, templateHex, toHex } from "./packet";
import { type PlaygroundState, shareFragment } from "./state";

export interface SnippetOptions {
  state: PlaygroundState;
  core: () => Promise<Core>;
  playgroundURL: string; // the playground page, without fragment
  autorun?: boolean;
}

export function mountSnippet(host: HTMLElement, o: SnippetOptions): void {
  const st = { ...o.state };
  const out = h("div", { class: "bp-snippet-out", "aria-live": "polite", "data-testid": "snippet-out" }, "Press Run to verify and run this program.");
  const open = h("a", { class: "bp-btn ghost", href: o.playgroundURL, target: "_blank", rel: "noopener", title: "Open in the bpfplay playground" }, "Open in playground ↗");
  const run = h("button", { class: "bp-btn primary", "data-testid": "snippet-run" }, "▶ Run");
  const edHost = h("div", { class: "bp-snippet-editor" });
  const bar = h("div", { class: "bp-snippet-bar" }, h("span", { class: "mono" }, `${st.prog_type} · ${st.dialect === "cbpf" ? "classic BPF" : st.dialect}`), h("span", { style: "flex:1" }), open, run);
  clear(host, bar, edHost, out);
  host.classList.add("bp-snippet");
  const ed = new Editor(edHost, { doc: st.source, dialect: st.dialect, onChange: (t) => { st.source = t; updateLink(); }, onRun: () => go() });

  async function updateLink() {
    open.setAttribute("href", o.playgroundURL + (await shareFragment(st)));
  }
  void updateLink();

  async function go() {
    run.setAttribute("disabled", "");
    clear(out, h("span", { class: "bp-spin" }), " ", "loading the core…");
    try {
      const core = await o.core();
      clear(out, h("span", { class: "bp-spin" }), " running…");
      const method = core.has("load") ? "load" : core.has("run") ? "run" : "";
      if (!method) {
        const v = assembleView(await core.call("assemble", { text: st.source, dialect: st.dialect }));
        if (v.asmErrors.length) return show(false, "does not assemble", v.asmErrors.map((e) => `${e.line}:${e.col}: ${e.message}`).join("\n"), v.asmErrors[0].line);
        return show(true, `assembled: ${v.listing.length} instructions`, "The verifier and the interpreter are not available in this build of bpfplay yet.");
      }
      const data = toHex(parseHex(st.packet ?? ""));
      const v = loadView(await core.call(method, { source: { text: st.source, dialect: st.dialect }, prog_type: st.prog_type, maps: st.maps, log_level: 1, run: { data } }));
      if (v.asmErrors.length) return show(false, "does not assemble", v.asmErrors.map((e) => `${e.line}:${e.col}: ${e.message}`).join("\n"), v.asmErrors[0].line);
      const f = v.verifier;
      if (f && !f.accepted) return show(false, "rejected by the verifier", (f.errorPC !== null ? `insn ${f.errorPC}: ` : "") + f.error, lineOf(v, f.errorPC));
      if (!v.ok && !v.run) return show(false, "error", v.error);
      const r = v.run;
      const lines: string[] = [];
      if (r?.retval != null) lines.push(`r0 = ${retvalText(r.retval).dec} (${retvalText(r.retval).hex})`);
      if (r && !r.ok) lines.push(r.error);
      for (const l of r?.output ?? []) lines.push(l);
      show(!r || r.ok, f ? "accepted" : "ran (not verified: this build has no verifier yet)", lines.join("\n"));
    } catch (e) {
      show(false, e instanceof CoreError && e.kind === "cancelled" ? "cancelled" : "error", (e as Error).message);
    } finally {
      run.removeAttribute("disabled");
    }
  }

  function show(ok: boolean, verdict: string, text: string, line?: number | null) {
    clear(out, h("span", { class: ok ? "ok" : "bad" }, verdict), text ? "\n" + text : "");
    ed.annotate({ marks: !ok && line ? [{ line, message: text.split("\n")[0], severity: "error" }] : [] });
  }

  run.addEventListener("click", () => go());
  if (o.autorun) void go();
}

function lineOf(v: ReturnType<typeof loadView>, pc: number | null): number | null {
  if (pc === null) return null;
  return v.listing.find((i) => i.pc === pc)?.line ?? null;
}

/** A snippet's state from a <pre class="bpfplay"> element's data attributes. */
export function stateFromPre(pre: HTMLElement): PlaygroundState {
  const d = pre.dataset;
  const dialect = d.dialect === "conformance" || d.dialect === "cbpf" ? d.dialect : "kernel";
  let packet = "";
  if (d.packet) packet = /^[0-9a-fA-F\s]+$/.test(d.packet) && !templateHex(d.packet) ? d.packet : templateHex(d.packet);
  return { v: 1, source: (pre.textContent ?? "").replace(/^\n/, ""), dialect, prog_type: d.progType || "socket_filter", packet };
}
