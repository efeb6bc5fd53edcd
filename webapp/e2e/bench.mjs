// Benchmarks of issue 13 item 6, measured in one run against a real `suiji serve` (results go to
// benchmarks/README.md; these are measurements, not timed tests):
//   1. the first load: gzipped JS + CSS the browser fetches to show the first screen;
//   2. time to the first usable screen under emulated slow 3G and a 4× slower CPU;
//   3. a 12-megapixel photo compressed on the phone (4× slower CPU): size and time.
// SUIJI_E2E_PLAN: {"inspection_id", "inspector", "item", "photo"} for (3).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { BASE, launch, loginVia, phone } from "./lib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");
const dist = fileURLToPath(new URL("../dist/", import.meta.url));
// DevTools' "Slow 3G" (as Puppeteer defines it): 400 kbit/s each way, 2 s round trip.
const SLOW_3G = { offline: false, downloadThroughput: (500 * 1000) / 8 * 0.8,
  uploadThroughput: (500 * 1000) / 8 * 0.8, latency: 400 * 5 };
// Lighthouse's mobile profile ("slow 4G", formerly its "fast 3G") as DevTools applies it:
// 562.5 ms round trip, 1.47 Mbit/s down, 675 kbit/s up.
const LIGHTHOUSE_MOBILE = { offline: false, downloadThroughput: (1474.56 * 1000) / 8,
  uploadThroughput: (675 * 1000) / 8, latency: 562.5 };
const result = {};

async function firstLoad(browser) {
  const { page } = await phone(browser, "bench-first-load");
  const files = new Set();
  page.on("response", (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/app\/assets\/.+\.(js|css)$/.test(path)) files.add(path.slice("/app/".length));
  });
  await page.goto(`${BASE}/app/`);
  await page.getByText("选择演示用户").waitFor();
  let gz = 0;
  for (const f of files) gz += gzipSync(readFileSync(dist + f), { level: 9 }).length;
  result.first_load = { files: [...files].sort(), gzipped_kb: +(gz / 1024).toFixed(1) };
  await page.context().close();
}

// "First usable screen" (benchmarks/README.md): on a first visit without a session, the login
// screen with the demo staff listed, a name that answers a tap. Measured from the start of the
// navigation until the first name is visible; then it is tapped, and the time until the logged-in
// home screen shows is reported too. The waterfall lists every request, its start and end.
async function slowStart(browser, warm, network = SLOW_3G, label = "slow") {
  const { context, page } = await phone(browser, `bench-${label}-${warm ? "repeat" : "first"}`);
  const cdp = await context.newCDPSession(page);
  if (warm) {
    await page.goto(`${BASE}/app/`); // the service worker keeps the app's files
    await page.getByText("选择演示用户").waitFor();
    await page.waitForFunction(() => !!navigator.serviceWorker.controller || navigator.serviceWorker.ready);
  }
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", network);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const waterfall = [];
  const began = new Map();
  let start = 0;
  const at = () => Date.now() - start;
  page.on("request", (r) => began.set(r, at()));
  page.on("requestfinished", async (r) => {
    const url = new URL(r.url());
    const size = (await r.sizes().catch(() => null))?.responseBodySize ?? null;
    waterfall.push({ path: url.pathname + url.search, start: began.get(r), end: at(), body: size,
      sw: (await r.response())?.fromServiceWorker() ?? false });
  });
  start = Date.now();
  await page.goto(`${BASE}/app/`, { waitUntil: "commit" });
  const first = page.locator(".suiji-user, .van-cell__title").first();
  await first.waitFor({ timeout: 60000 });
  const ms = at();
  await page.shot("first-usable");
  await first.click();
  await page.locator(".van-tabbar").waitFor({ timeout: 60000 });
  const home = at();
  await page.shot("home");
  await context.close();
  waterfall.sort((a, b) => a.start - b.start);
  return { usable_ms: ms, logged_in_home_ms: home, waterfall };
}

async function compression(browser) {
  const { context, page } = await phone(browser, "bench-photo");
  await loginVia(page, `/inspections/${plan.inspection_id}/items/${plan.item}`, plan.inspector);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const input = page.locator("input[type=file][multiple]");
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const start = Date.now();
    await input.setInputFiles(plan.photo);
    await page.getByText("未保存").nth(i).waitFor({ timeout: 30000 });
    runs.push(Date.now() - start);
  }
  const note = await page.locator(".small").last().innerText();
  result.photo = { original_bytes: readFileSync(plan.photo).length, compressed: note, ms: runs,
    median_ms: runs.sort((a, b) => a - b)[1] };
  await context.close();
}

const browser = await launch();
try {
  await firstLoad(browser);
  result.slow_3g_first_visit = await slowStart(browser, false);
  result.slow_3g_repeat_visit = await slowStart(browser, true);
  result.lighthouse_mobile_first_visit = await slowStart(browser, false, LIGHTHOUSE_MOBILE, "lh");
  if (plan.inspection_id) await compression(browser);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
