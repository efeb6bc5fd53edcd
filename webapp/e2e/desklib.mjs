// The desk's end-to-end scripts (issue 14): a desktop browser at 1280×900, the same login,
// screenshots under test-artifacts/webapp/desk-*.png.
import { watched } from "./lib.mjs";

export const DESK = { width: 1280, height: 900 };

/** A desktop window: 1280×900, mouse, Chinese; console errors are collected. */
export async function desk(browser, name, options = {}) {
  const context = await browser.newContext({ viewport: DESK, deviceScaleFactor: 1, locale: "zh-CN",
    timezoneId: "Asia/Shanghai", acceptDownloads: true, ...options });
  const page = watched(await context.newPage(), name, `desk-${name}`);
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
