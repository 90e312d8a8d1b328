// The /embed view: a minimal playground for iframes. Its state comes from
// the URL fragment (a share link's "#s=..."); it runs as soon as the core
// is ready.

import { defaultCore } from "./client";
import { h } from "./dom";
import { mountSnippet } from "./snippet";
import { type PlaygroundState, decodeState, fragmentData } from "./state";

const fallback: PlaygroundState = { v: 1, source: "r0 = 2\nexit\n", dialect: "kernel", prog_type: "xdp" };

async function main() {
  const host = document.getElementById("embed")!;
  let st = fallback;
  let problem = "";
  const data = fragmentData(location.hash);
  if (data !== null) {
    try {
      st = await decodeState(data);
    } catch (e) {
      problem = `This embed's link could not be read: ${(e as Error).message}`;
    }
  }
  const core = defaultCore();
  const started = core.start().then(() => {
    (window as unknown as { __bpfplayCaps: unknown }).__bpfplayCaps = core.caps; // read by the e2e tests
  });
  const box = h("div", null);
  host.append(box);
  if (problem) host.prepend(h("div", { class: "bp-msg bad", role: "alert" }, problem));
  mountSnippet(box, { state: st, core: async () => (await started, core), playgroundURL: new URL(BPFPLAY_ASSETS.base, location.href).href, autorun: !problem });
}

window.addEventListener("unhandledrejection", (e) => e.preventDefault());
void main();
