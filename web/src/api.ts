// Types of the JSON the wasm bridge speaks (wasm/bridge). Requests mirror
// core/load.Request (docs/api.md); responses are read defensively in
// model.ts, so a field the core does not fill yet simply shows as absent.

export interface MapSpec {
  name?: string;
  type: string;
  key_size: number;
  value_size: number;
  max_entries: number;
  flags?: number;
  fixups?: number[];
  init?: { key: string; value: string }[];
}

export interface Source {
  text?: string;
  dialect?: string; // "kernel" | "conformance" | "cbpf"
  insns?: string; // hex
  cbpf?: boolean;
  elf?: string; // base64
  program?: string;
}

export interface RunOptions {
  data?: string; // hex
  ctx?: string; // hex
  repeat?: number;
  budget?: number;
  trace?: boolean;
  engine?: string;
}

export interface LoadRequest {
  source: Source;
  prog_type?: string;
  expected_attach_type?: string;
  prog_flags?: number;
  log_level?: number;
  unpriv?: boolean;
  no_verify?: boolean;
  maps?: MapSpec[];
  run?: RunOptions;
  jit?: boolean;
}

export interface Diagnostic {
  severity: "error" | "warning";
  stage: string;
  line?: number;
  col?: number;
  pc?: number;
  message: string;
}

export interface Capabilities {
  methods: string[];
  dialects: string[];
  go_version: string;
  version: string;
}

/** The bridge's envelope. */
export interface Envelope<T> {
  ok: boolean;
  result?: T;
  error?: string;
  internal?: boolean;
}
