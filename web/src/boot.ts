// boot.js: the first script of the playground page (web/pages/index.html,
// async in <head>). It only starts the core's worker, which downloads and
// compiles the wasm and runs Go's start-up while the page's own bundle
// loads and builds the editor; the app's Core adopts that worker
// (client.ts). See docs/web.md, "Start-up".

import { boot, defaultURLs } from "./client";

boot(defaultURLs());
