// The CodeMirror 6 editor with bpfplay's additions: an instruction-number
// gutter (the numbers the verifier log and the kernel use, not text lines),
// the rejected instruction's message shown under its line, the step
// debugger's current line, and a hover card with the verifier's abstract
// state at that instruction.

import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentUnit } from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, RangeSetBuilder, StateEffect, StateField, type Extension } from "@codemirror/state";
import {
  Decoration,
  type DecorationSet,
  EditorView,
  GutterMarker,
  WidgetType,
  drawSelection,
  gutter,
  highlightActiveLine,
  highlightActiveLineGutter,
  hoverTooltip,
  keymap,
  placeholder,
} from "@codemirror/view";
import { h } from "./dom";
import { highlight, languages } from "./lang";

export type Dialect = keyof typeof languages;

export interface Mark {
  line: number; // 1-based
  col?: number;
  message: string;
  severity: "error" | "warning";
}

/** What the page knows about the text, pushed into the editor. */
export interface Annotations {
  /** Instruction number per 1-based line (absent: the line holds no instruction). */
  pcs: Map<number, number> | null;
  marks: Mark[];
  /** The line the step debugger stands on. */
  current: number | null;
  /** Lines on the path to the rejection. */
  path: Set<number>;
}

const empty: Annotations = { pcs: null, marks: [], current: null, path: new Set() };
export const setAnnotations = StateEffect.define<Annotations>();

const annotations = StateField.define<Annotations>({
  create: () => empty,
  update(v, tr) {
    for (const e of tr.effects) if (e.is(setAnnotations)) return e.value;
    // Edits invalidate positions until the core answers again; keep the
    // old marks only when the document did not change.
    return tr.docChanged ? { ...v, marks: v.marks, current: null } : v;
  },
});

class NumberMarker extends GutterMarker {
  constructor(readonly text: string) {
    super();
  }
  eq(o: NumberMarker) {
    return o.text === this.text;
  }
  toDOM() {
    return document.createTextNode(this.text);
  }
}

const insnGutter = gutter({
  class: "cm-lineNumbers bp-insn-gutter",
  lineMarker(view, line) {
    const a = view.state.field(annotations);
    const n = view.state.doc.lineAt(line.from).number;
    if (!a.pcs) return new NumberMarker(String(n));
    const pc = a.pcs.get(n);
    return pc === undefined ? null : new NumberMarker(String(pc));
  },
  lineMarkerChange: (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(setAnnotations))),
  initialSpacer: () => new NumberMarker("000"),
});

class MessageWidget extends WidgetType {
  constructor(readonly m: Mark) {
    super();
  }
  eq(o: MessageWidget) {
    return o.m.message === this.m.message && o.m.severity === this.m.severity && o.m.col === this.m.col;
  }
  toDOM() {
    return h("div", { class: `bp-inline-msg bp-${this.m.severity}`, role: "alert" },
      h("span", { class: "bp-inline-icon", "aria-hidden": "true" }, this.m.severity === "error" ? "✕" : "!"),
      h("span", null, this.m.message));
  }
  ignoreEvent() {
    return false;
  }
}

const decorations = EditorView.decorations.compute([annotations, "doc"], (state): DecorationSet => {
  const a = state.field(annotations);
  const doc = state.doc;
  const items: { from: number; deco: Decoration }[] = [];
  const lineDeco = (n: number, cls: string) => {
    if (n >= 1 && n <= doc.lines) items.push({ from: doc.line(n).from, deco: Decoration.line({ class: cls }) });
  };
  for (const n of a.path) lineDeco(n, "bp-path-line");
  if (a.current) lineDeco(a.current, "bp-current-line");
  for (const m of a.marks) {
    if (m.line < 1 || m.line > doc.lines) continue;
    lineDeco(m.line, m.severity === "error" ? "bp-error-line" : "bp-warning-line");
    const line = doc.line(m.line);
    items.push({ from: line.to, deco: Decoration.widget({ widget: new MessageWidget(m), block: true, side: 1 }) });
  }
  items.sort((x, y) => x.from - y.from || x.deco.startSide - y.deco.startSide);
  const b = new RangeSetBuilder<Decoration>();
  for (const it of items) b.add(it.from, it.from, it.deco);
  return b.finish();
});

export interface EditorOptions {
  doc: string;
  dialect: Dialect;
  onChange?: (text: string) => void;
  /** A hover card for a 1-based line, or null. */
  hover?: (line: number) => HTMLElement | null;
  onRun?: () => void;
  readOnly?: boolean;
  minimal?: boolean;
}

export class Editor {
  readonly view: EditorView;
  private lang = new Compartment();

  constructor(parent: HTMLElement, o: EditorOptions) {
    const run = () => {
      o.onRun?.();
      return true;
    };
    const ext: Extension[] = [
      insnGutter,
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      bracketMatching(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      indentUnit.of("\t"),
      EditorState.tabSize.of(8),
      keymap.of([
        { key: "Mod-Enter", run, preventDefault: true },
        { key: "Shift-Enter", run, preventDefault: true },
        indentWithTab,
        ...defaultKeymap,
        ...historyKeymap,
        ...searchKeymap,
      ]),
      this.lang.of(languages[o.dialect]),
      highlight,
      annotations,
      decorations,
      placeholder("Write eBPF assembly here, or pick an example"),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) o.onChange?.(u.state.doc.toString());
      }),
      EditorView.contentAttributes.of({ "aria-label": "eBPF program", spellcheck: "false", autocapitalize: "off", autocorrect: "off" }),
    ];
    if (o.hover) {
      const hover = o.hover;
      ext.push(
        hoverTooltip((view, pos) => {
          const line = view.state.doc.lineAt(pos);
          const dom = hover(line.number);
          if (!dom) return null;
          return { pos: line.from, end: line.to, above: false, create: () => ({ dom }) };
        }, { hoverTime: 250 }),
      );
    }
    if (o.readOnly) ext.push(EditorState.readOnly.of(true));
    this.view = new EditorView({ state: EditorState.create({ doc: o.doc, extensions: ext }), parent });
  }

  get text(): string {
    return this.view.state.doc.toString();
  }

  set text(s: string) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: s } });
  }

  setDialect(d: Dialect): void {
    this.view.dispatch({ effects: this.lang.reconfigure(languages[d]) });
  }

  annotate(a: Partial<Annotations>): void {
    const cur = this.view.state.field(annotations);
    this.view.dispatch({ effects: setAnnotations.of({ ...cur, ...a }) });
  }

  /** Puts the cursor on a 1-based line and scrolls it into view. */
  goToLine(n: number, focus = true): void {
    const doc = this.view.state.doc;
    if (n < 1 || n > doc.lines) return;
    const line = doc.line(n);
    this.view.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
    if (focus) this.view.focus();
  }

  cursorLine(): number {
    return this.view.state.doc.lineAt(this.view.state.selection.main.head).number;
  }
}
