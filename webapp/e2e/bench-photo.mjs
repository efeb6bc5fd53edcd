// The photo compression of two versions of the app side by side (issue 13 item 6), in one
// browser under the same load: a 12-megapixel JPEG compressed on the phone with a 4× slower
// CPU, the two versions taking turns. Usage (from webapp/):
//   node e2e/bench-photo.mjs <photo.jpg> <git revision of the "before"> [runs]
// The "after" is the working tree's src/photos. Prints JSON: per version the times (ms), the
// median, the size, the dimensions and the tries.
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { launch } from "./lib.mjs";

const [photoPath, before, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 5);
const here = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "suiji-photo-bench-"));

async function bundle(dir, name) {
  const entry = join(work, `${name}.ts`);
  writeFileSync(entry, `import { compressPhoto } from "${dir}/compress";\n(window as any).${name} = compressPhoto;\n`);
  const out = await build({ configFile: false, logLevel: "silent", root: work,
    build: { write: false, minify: false, target: "es2020",
      lib: { entry, formats: ["iife"], name: `bundle_${name}`, fileName: () => `${name}.js` } } });
  return (Array.isArray(out) ? out[0] : out).output[0].code;
}

const old = join(work, "before");
mkdirSync(old);
for (const file of ["compress.ts", "exif.ts", "sizing.ts"]) {
  writeFileSync(join(old, file), execFileSync("git", ["show", `${before}:webapp/src/photos/${file}`], { cwd: here }));
}
const scripts = [await bundle(old, "before"), await bundle(join(here, "src/photos"), "after")];
const photo = readFileSync(photoPath);

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.route("http://bench.test/**", (r) => r.request().url().endsWith(".jpg")
    ? r.fulfill({ body: photo, contentType: "image/jpeg" })
    : r.fulfill({ body: "<!doctype html><title>photo</title>", contentType: "text/html" }));
  await page.goto("http://bench.test/");
  for (const content of scripts) await page.addScriptTag({ content });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const result = await page.evaluate(async (n) => {
    const blob = await (await fetch("/photo.jpg")).blob();
    const file = new File([blob], "photo.jpg", { type: "image/jpeg" });
    const out = { before: { ms: [] }, after: { ms: [] } };
    for (let i = 0; i < n; i++) {
      for (const name of i % 2 ? ["after", "before"] : ["before", "after"]) {
        const start = performance.now();
        const c = await window[name](file);
        out[name].ms.push(Math.round(performance.now() - start));
        Object.assign(out[name], { bytes: c.blob.size, width: c.width, height: c.height, tries: c.tries });
      }
    }
    for (const v of Object.values(out)) v.median_ms = [...v.ms].sort((a, b) => a - b)[Math.floor(n / 2)];
    return out;
  }, runs);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
