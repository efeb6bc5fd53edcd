// Shared by the end-to-end scripts: Debian's Chromium through playwright-core (never a
// downloaded browser), phone-sized contexts, the development login, screenshots under
// test-artifacts/, and reading a QR code back from a screenshot.
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { chromium } from "playwright-core";

export const BASE = process.env.SUIJI_E2E_BASE ?? "http://127.0.0.1:8080";
export const ARTIFACTS = process.env.SUIJI_E2E_ARTIFACTS
  ?? fileURLToPath(new URL("../../test-artifacts/webapp/", import.meta.url));
export const PHONE = { width: 390, height: 844 };

mkdirSync(ARTIFACTS, { recursive: true });

/** Chromium in Chinese, as the bureau's machines show it: its own widgets (a date input's
 * 年/月/日, its pickers) follow the browser's language, which on Linux is LANGUAGE (`--lang` alone
 * is ignored there) and needs Debian's chromium-l10n (locales/zh-CN.pak); each context also sets
 * `locale` for the page (navigator.language, Accept-Language). */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"],
    env: { ...process.env, LANGUAGE: "zh_CN" },
  });
}

/** A phone: 390×844, touch, Chinese; console errors and CSP violations are collected. */
export async function phone(browser, name) {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true,
    hasTouch: true, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
  return { context, page: watched(await context.newPage(), name) };
}

/** A page whose console errors and CSP violations are collected (`page.problems`) and whose
 * screenshots are numbered under ARTIFACTS (`page.shot(label)`: `{file}-NN-{label}.png`). */
export function watched(page, name, file = name) {
  page.problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) page.problems.push(`${name}: ${m.text()}`);
  });
  page.on("pageerror", (e) => page.problems.push(`${name}: ${e.message}`));
  let shots = 0;
  page.shot = async (label, options = {}) => {
    await page.waitForTimeout(300);
    const path = `${ARTIFACTS}${file}-${String(++shots).padStart(2, "0")}-${label}.png`;
    await page.screenshot({ path, ...options });
    return path;
  };
  return page;
}

/** Open a deep link without a session (a screen's path, or a whole link from a WeCom message),
 * pick the demo user on the login screen, and land back on the linked screen. */
export async function loginVia(page, link, name) {
  const hashPath = link.startsWith("/") ? link : new URL(link).hash.slice(1);
  await page.goto(link.startsWith("/") ? `${BASE}/app/#${link}` : link);
  await page.getByText("选择演示用户").waitFor();
  await page.getByText(name, { exact: true }).first().click();
  await page.waitForURL((url) => url.hash === `#${hashPath}`, { timeout: 15000 });
}

export function decodeQr(pngPath) {
  const png = PNG.sync.read(readFileSync(pngPath));
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  return found ? found.data : null;
}

export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** Wait until the app says nothing is left to send. */
export async function settled(page, timeout = 30000) {
  await page.waitForFunction(() => !document.body.innerText.includes("待同步") || document.body.innerText.includes("所有记录都已发送"),
    undefined, { timeout });
}

/** One phone in its own browser: `body(page)` returns the result, printed as JSON on the last
 * line with the console errors seen; on failure a screenshot of where it stopped. */
export async function onePhone(name, body) {
  const browser = await launch();
  let page;
  try {
    ({ page } = await phone(browser, name));
    const out = await body(page);
    out.problems = page.problems;
    console.log(JSON.stringify(out));
  } catch (error) {
    await page?.shot("failure").catch(() => undefined);
    console.error(page?.problems.join("\n"));
    throw error;
  } finally {
    await browser.close();
  }
}
