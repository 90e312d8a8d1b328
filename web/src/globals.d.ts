// Values compiled into the bundles by web/build (esbuild "define").
declare const BPFPLAY_ASSETS: {
  base: string;
  worker: string;
  wasm: string;
  wasm_elf?: string;
  wasm_exec: string;
  app?: string;
  app_css?: string;
  embed_view?: string;
};

declare module "*.s" {
  const text: string;
  export default text;
}

declare module "*.txt" {
  const text: string;
  export default text;
}

declare module "*.css" {
  const text: string;
  export default text;
}
