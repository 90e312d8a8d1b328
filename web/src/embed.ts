// embed.js: turns every <pre class="bpfplay"> on a page into a runnable
// snippet. The wasm core is fetched only when a reader first presses Run,
// and every snippet on the page shares that one worker.
//
//   <script src="https://HOST/embed.js" defer></script>
//   <pre class="bpfplay" data-prog-type="xdp" data-packet="ipv4-udp">r0 = 2
//   exit</pre>

import css from "./snippet.css";
import { Core, defaultCore } from "./client";
import { mountSnippet, stateFromPre } from "./snippet";

// Where this script came from: assets are fetched from the same place.
const script = document.currentScript as HTMLScriptElement | null;
const scriptURL = script?.src || location.href;
const base = new URL(".", scriptURL).pathname;
const origin = new URL(scriptURL).origin + "/";

let core: Promise<Core> | null = null;
function sharedCore(): Promise<Core> {
  if (!core) {
    const c = defaultCore(base, origin);
    core = c.start().then(() => c);
    core.catch(() => (core = null));
  }
  return core;
}

function init() {
  const pres = Array.from(document.querySelectorAll<HTMLElement>("pre.bpfplay"));
  if (!pres.length) return;
  const style = document.createElement("style");
  style.textContent = css;
  document.head.append(style);
  for (const pre of pres) {
    const host = document.createElement("div");
    pre.replaceWith(host);
    mountSnippet(host, { state: stateFromPre(pre), core: sharedCore, playgroundURL: new URL(base, origin).href });
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
