// Syntax highlighting for the three text inputs: kernel/llvm assembly
// ("r0 = *(u32 *)(r1 + 4)"), the conformance dialect ("ldxw %r0, [%r1+4]")
// and classic BPF listings (tcpdump -d/-dd/-ddd, bpf_asm, iptables
// bytecode). Stream tokenizers are enough: highlighting must be instant
// and forgiving; the assembler reports the real errors.

import { HighlightStyle, StreamLanguage, syntaxHighlighting, type StreamParser } from "@codemirror/language";
import { tags as t } from "@lezer/highlight";

const kernelKeywords = new Set(["if", "goto", "call", "exit", "lock", "ll", "map", "be16", "be32", "be64", "le16", "le32", "le64", "bswap16", "bswap32", "bswap64", "may_goto"]);
const kernelTypes = new Set(["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64"]);

const cbpfOps = new Set([
  "ld", "ldh", "ldb", "ldi", "ldx", "ldxi", "ldxb", "ldxh", "st", "stx", "add", "sub", "mul", "div", "mod", "neg", "and", "or", "xor", "lsh", "rsh",
  "jmp", "ja", "jeq", "jneq", "jne", "jlt", "jle", "jgt", "jge", "jset", "tax", "txa", "ret",
]);

interface State {
  dialect: "kernel" | "conformance" | "cbpf";
  lineStart: boolean;
}

function tokenize(stream: Parameters<StreamParser<State>["token"]>[0], state: State): string | null {
  if (stream.sol()) state.lineStart = true;
  if (stream.eatSpace()) return null;
  const first = state.lineStart;
  state.lineStart = false;

  // Comments: ; // # (and /* */ on one line, as tcpdump -dd prints none).
  if (stream.match("//") || stream.match(";") || (state.dialect !== "cbpf" && stream.peek() === "#" && !/^#\s*0x|^#-?\d/.test(stream.string.slice(stream.pos)))) {
    stream.skipToEnd();
    return "comment";
  }
  if (stream.match(/^\/\*.*?\*\//)) return "comment";

  // Line number column of tcpdump -d: "(000)".
  if (first && stream.match(/^\(\d+\)/)) return "lineComment";
  // Labels: "name:" at the start of a line.
  if (first && stream.match(/^[A-Za-z_.$][\w.$]*:/)) return "labelName";

  if (stream.match(/^[-+]?(0x[0-9a-fA-F]+|\d+)\b/)) return "number";
  if (state.dialect === "cbpf" && stream.match(/^#-?(0x[0-9a-fA-F]+|\d+)/)) return "number";

  if (state.dialect === "conformance" && stream.match(/^%[rw]\d+\b/)) return "variableName";
  if (stream.match(/^[rw](10|[0-9])\b/)) return "variableName";
  if (state.dialect === "cbpf" && stream.match(/^(x|a|M)\b/i)) return "variableName";

  if (stream.match(/^[A-Za-z_][\w.]*/)) {
    const w = stream.current();
    if (state.dialect === "kernel") {
      if (kernelKeywords.has(w)) return "keyword";
      if (kernelTypes.has(w)) return "typeName";
      if (/^pc$/.test(w)) return "keyword";
      return /^bpf_/.test(w) ? "variableName.function" : "name";
    }
    if (state.dialect === "conformance") return first ? "keyword" : "name";
    if (cbpfOps.has(w.toLowerCase())) return "keyword";
    return "name";
  }
  if (stream.match(/^(<<=|>>=|s>>=|[-+*/%&|^]=|==|!=|<=|>=|s<=|s>=|s<|s>|&=|[=<>&|^+\-*/%~])/)) return "operator";
  if (stream.match(/^[()[\]{},]/)) return "punctuation";
  stream.next();
  return null;
}

function language(dialect: State["dialect"]) {
  return StreamLanguage.define<State>({
    name: "bpf-" + dialect,
    startState: () => ({ dialect, lineStart: true }),
    token: tokenize,
    languageData: { commentTokens: { line: dialect === "conformance" ? "#" : ";" } },
  });
}

// C for the server's clang (C mode, bpfplay serve only): keywords,
// types, preprocessor lines, comments across lines, strings, numbers and
// calls. A few dozen lines instead of a full C grammar package.
const cKeywords = new Set(("auto break case const continue default do else enum extern for goto if inline register restrict return " +
  "sizeof static struct switch typedef union volatile while _Static_assert __attribute__ __always_inline __section asm __asm__ __volatile__").split(" "));
const cTypes = /^(void|char|short|int|long|unsigned|signed|float|double|bool|_Bool|size_t|u?int(8|16|32|64)_t|__[us](8|16|32|64)|__be(16|32|64)|__le(16|32|64)|__wsum|__sum16)$/;

interface CState {
  comment: boolean;
}

const cLanguage = StreamLanguage.define<CState>({
  name: "c",
  startState: () => ({ comment: false }),
  token(stream, state) {
    if (state.comment) {
      state.comment = !stream.match(/^.*?\*\//);
      if (state.comment) stream.skipToEnd();
      return "comment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match("/*")) {
      state.comment = !stream.match(/^.*?\*\//);
      if (state.comment) stream.skipToEnd();
      return "comment";
    }
    if (stream.sol() || /^\s*$/.test(stream.string.slice(0, stream.start))) {
      if (stream.match(/^#\s*\w+/)) return "meta";
    }
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || (/^\s*#\s*include/.test(stream.string) && stream.match(/^<[\w./]+>/))) return "string";
    if (stream.match(/^'(?:[^'\\]|\\.)*'?/)) return "string";
    if (stream.match(/^(0x[0-9a-fA-F]+|\d+(\.\d*)?)([uUlL]*)\b/)) return "number";
    if (stream.match(/^[A-Za-z_]\w*/)) {
      const w = stream.current();
      if (cKeywords.has(w)) return "keyword";
      if (cTypes.test(w)) return "typeName";
      if (/^[A-Z][A-Z0-9_]+$/.test(w) && w !== "SEC") return "labelName"; // macros and constants: XDP_PASS
      if (/^\s*\(/.test(stream.string.slice(stream.pos))) return "variableName.function";
      return "name";
    }
    if (stream.match(/^(->|\+\+|--|<<=?|>>=?|[-+*/%&|^!=<>]=?|&&|\|\||[~?:])/)) return "operator";
    if (stream.match(/^[()[\]{},;.]/)) return "punctuation";
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: "//", block: { open: "/*", close: "*/" } } },
});

export const languages = {
  kernel: language("kernel"),
  conformance: language("conformance"),
  cbpf: language("cbpf"),
  c: cLanguage,
};

// Colours are CSS variables (app.css), so light and dark themes need no
// second style.
export const highlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: t.comment, color: "var(--syn-comment)", fontStyle: "italic" },
    { tag: t.lineComment, color: "var(--syn-comment)" },
    { tag: t.keyword, color: "var(--syn-keyword)", fontWeight: "500" },
    { tag: t.variableName, color: "var(--syn-register)" },
    { tag: t.number, color: "var(--syn-number)" },
    { tag: t.typeName, color: "var(--syn-type)" },
    { tag: t.labelName, color: "var(--syn-label)", fontWeight: "600" },
    { tag: t.function(t.variableName), color: "var(--syn-function)" },
    { tag: t.operator, color: "var(--syn-operator)" },
    { tag: t.punctuation, color: "var(--syn-punct)" },
    { tag: t.meta, color: "var(--syn-keyword)" },
    { tag: t.string, color: "var(--syn-number)" },
  ]),
);
