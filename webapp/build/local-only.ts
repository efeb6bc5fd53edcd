// The app loads nothing from other origins (the CSP allows this origin only, and a phone in a
// basement has no signal for a CDN anyway). Vant's icon font lists a CDN copy after its inline
// one; that fallback is dropped here, and a build whose CSS still points elsewhere fails.
import type { Plugin } from "vite";

const FALLBACK = /,\s*url\((?:https?:)?\/\/[^)]+\)\s*format\("[^"]+"\)/g;
const EXTERNAL = /url\(\s*["']?(?:https?:)?\/\//;

export function stripExternal(css: string): string {
  return css.replace(FALLBACK, "");
}

export function localOnly(): Plugin {
  return {
    name: "suiji-local-only",
    apply: "build",
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== "asset" || !file.fileName.endsWith(".css")) continue;
        const css = stripExternal(String(file.source));
        if (EXTERNAL.test(css)) {
          this.error(`${file.fileName} refers to another origin: ${css.match(EXTERNAL)?.[0]}`);
        }
        file.source = css;
      }
    },
  };
}
