// The desk's end-to-end scripts (issue 14): a desktop browser at 1280×900, the same login,
// screenshots under test-artifacts/webapp/desk-*.png.
import { ARTIFACTS } from "./lib.mjs";

export const DESK = { width: 1280, height: 900 };

/** A desktop window: 1280×900, mouse, Chinese; console errors are collected. */
export async function desk(browser, name, options = {}) {
  const context = await browser.newContext({ viewport: DESK, deviceScaleFactor: 1, locale: "zh-CN",
    timezoneId: "Asia/Shanghai", acceptDownloads: true, ...options });
  const page = await context.newPage();
  page.problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) page.problems.push(`${name}: ${m.text()}`);
  });
  page.on("pageerror", (e) => page.problems.push(`${name}: ${e.message}`));
  let shots = 0;
  page.shot = async (label, options = {}) => {
    await page.waitForTimeout(300);
    const path = `${ARTIFACTS}desk-${name}-${String(++shots).padStart(2, "0")}-${label}.png`;
    await page.screenshot({ path, ...options });
    return path;
  };
  return { context, page };
}

/** Run a scenario with a browser; its result (with the pages' console problems) is printed as
 * the last line of output, and a failure leaves a screenshot. */
export async function scenario(launch, body) {
  const browser = await launch();
  const pages = [];
  try {
    const out = await body(browser, pages);
    out.problems = pages.flatMap((p) => p.problems);
    console.log(JSON.stringify(out));
  } catch (error) {
    for (const p of pages) await p.shot("failure").catch(() => undefined);
    console.error(pages.flatMap((p) => p.problems).join("\n"));
    throw error;
  } finally {
    await browser.close();
  }
}
