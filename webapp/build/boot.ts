// Makes index.html draw the first screen by itself (src/boot/, benchmarks/README.md "first
// usable screen"): on a weak signal every request costs a round trip, and the page is the only
// one that cannot be avoided.
// - The boot script (src/boot/boot.ts, bundled on its own) and its style sheet are inlined,
//   after the app's mount point; the server allows exactly these by their SHA-256 in its CSP
//   (suiji/webapp.py) and inserts the first screen's data at BOOT_DATA.
// - The app's style sheets no longer block the first paint (media="print" until main.ts has
//   them loaded and turns them on, just before the app replaces the first screen).
import type { Plugin } from "vite";
import { build } from "vite";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BOOT_DATA = "<!--suiji-boot-data-->";
const SOURCE = fileURLToPath(new URL("../src/boot/boot.ts", import.meta.url));
const STYLE = fileURLToPath(new URL("../src/boot/boot.css", import.meta.url));

export function minifyCss(css: string): string {
  return css.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\s+/g, " ")
    .replace(/\s*([{};:,>])\s*/g, "$1").replace(/;}/g, "}").trim();
}

/** The app's render-blocking style sheets, made non-blocking; main.ts turns them on. */
export function deferStyles(html: string): string {
  return html.replace(/<link rel="stylesheet"([^>]*)>/g, '<link rel="stylesheet" media="print" data-suiji-css$1>');
}

async function bootScript(): Promise<string> {
  const out = await build({
    configFile: false, logLevel: "silent",
    build: { write: false, minify: true, target: "es2020", emptyOutDir: false,
      lib: { entry: SOURCE, formats: ["iife"], name: "suijiFirstScreen", fileName: () => "boot.js" } },
  });
  const outputs = Array.isArray(out) ? out : [out];
  for (const result of outputs) {
    if ("output" in result) {
      const chunk = result.output.find((o) => o.type === "chunk");
      if (chunk && chunk.type === "chunk") return chunk.code.trim();
    }
  }
  throw new Error("boot script: no output");
}

export function bootHtml(): Plugin {
  return {
    name: "suiji-boot-html",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      async handler(html) {
        const script = (await bootScript()).replace(/<\/script/gi, "<\\/script");
        const style = minifyCss(readFileSync(STYLE, "utf8"));
        const mount = '<div id="app"></div>';
        if (!html.includes(mount)) throw new Error("index.html: no mount point");
        return deferStyles(html).replace(mount,
          `<style>${style}</style>\n    ${mount}\n    ${BOOT_DATA}\n    <script>${script}</script>`);
      },
    },
  };
}
