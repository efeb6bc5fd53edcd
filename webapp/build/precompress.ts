// Writes a gzip copy beside each text file of the build (x.js → x.js.gz): aiohttp's FileResponse
// sends it to browsers that accept gzip, so `suiji serve` without nginx in front still sends
// the app compressed — it matters on a weak signal.
import type { Plugin } from "vite";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const TEXT = /\.(js|css|html|svg|json)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "suiji-precompress",
    apply: "build",
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      for (const file of walk(outDir).filter((f) => TEXT.test(f))) {
        writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
      }
    },
  };
}
