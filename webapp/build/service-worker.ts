// Emits sw.js: a service worker that keeps the app's own files (index.html and every hashed
// asset of this build) so the app opens, and its lazy screens load, without signal. API
// requests are not touched: offline data lives in IndexedDB (src/offline/).
import type { Plugin } from "vite";
import { createHash } from "node:crypto";

export function serviceWorkerSource(files: string[], version: string): string {
  return `// Generated at build time (build/service-worker.ts).
const CACHE = "suiji-app-${version}";
const FILES = ${JSON.stringify(files)};
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((c) => c.addAll(["./", ...FILES])).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys
    .filter((k) => k.startsWith("suiji-app-") && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope).pathname;
  if (request.method !== "GET" || url.origin !== self.location.origin || !url.pathname.startsWith(scope)) return;
  if (url.pathname.startsWith(scope + "assets/")) {
    // Hashed names never change content: the cache answers, the network only fills gaps.
    // ignoreVary: a module or style sheet requested with CORS carries an Origin header that
    // the precache request did not, and a "Vary: Origin" answer would then never match.
    event.respondWith(caches.match(request, { ignoreVary: true }).then((hit) => hit || fetch(request)));
    return;
  }
  if (request.mode === "navigate" || url.pathname === scope || url.pathname === scope + "index.html") {
    // The newest index.html when online; the kept one without signal.
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((c) => c.put("./", copy));
      }
      return response;
    }).catch(() => caches.match("./", { ignoreVary: true })));
  }
});
`;
}

export function serviceWorker(): Plugin {
  return {
    name: "suiji-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      // A chunk left empty (a style sheet shared by lazy screens, with no code of its own) is
      // dropped by Vite after this hook and never written: listed, it would fail the whole
      // install (cache.addAll) and the app would never work offline.
      const files = Object.entries(bundle)
        .filter(([name, file]) => name.startsWith("assets/") && !(file.type === "chunk" && !file.code.trim()))
        .map(([name]) => name).sort();
      const version = createHash("sha256").update(files.join("\n")).digest("hex").slice(0, 12);
      this.emitFile({ type: "asset", fileName: "sw.js", source: serviceWorkerSource(files, version) });
    },
  };
}
