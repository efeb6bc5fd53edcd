// Walks the screens the plan names (SUIJI_E2E_PLAN: {walks: [{user, desk, screens: [path]}]}),
// each as its demo user — desk screens at 1280×900, field screens at 390×844 — and returns what
// each screen shows a reader (document.body.innerText plus placeholders), for the test to read
// for English words (tests/webapp/test_plain_chinese_e2e.py). Screenshots:
// test-artifacts/webapp/walk-{role}-NN-{screen}.png.
import { BASE, launch, loginVia, phone, watched } from "./lib.mjs";
import { DESK } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN);

/** What a reader sees: the visible text and the hints inside empty inputs. */
function shown() {
  const hints = [...document.querySelectorAll("input[placeholder], textarea[placeholder]")]
    .filter((el) => el.offsetParent !== null && !el.value).map((el) => el.getAttribute("placeholder"));
  // (A date input's own 年/月/日 is drawn by Chromium outside the page's text: the screenshots
  // show it, in Chinese since lib.mjs starts Chromium with --lang=zh-CN.)
  return [document.body.innerText, ...hints].join("\n");
}

async function settle(page) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.waitForFunction(() => !document.querySelector(".van-loading"), undefined, { timeout: 8000 })
    .catch(() => undefined);
  await page.waitForTimeout(400);
}

const browser = await launch();
const out = { screens: [], problems: [] };
const pages = [];
try {
  for (const walk of plan.walks) {
    const tag = `walk-${walk.role}-${walk.desk ? "desk" : "field"}`;
    let page;
    if (walk.desk) {
      const context = await browser.newContext({ viewport: DESK, deviceScaleFactor: 1, locale: "zh-CN",
        timezoneId: "Asia/Shanghai" });
      page = watched(await context.newPage(), tag);
    } else {
      ({ page } = await phone(browser, tag));
    }
    pages.push(page);
    if (walk.login) {  // the login screen itself, before anyone is chosen
      await page.goto(`${BASE}/app/#/login`);
      await page.getByText("选择演示用户").waitFor();
      await settle(page);
      out.screens.push({ role: walk.role, path: "/login", text: await page.evaluate(shown) });
      await page.shot("login");
    }
    await loginVia(page, walk.screens[0], walk.user);
    for (const path of walk.screens) {
      await page.goto(`${BASE}/app/#${path}`);
      await settle(page);
      const hash = await page.evaluate(() => location.hash);
      out.screens.push({ role: walk.role, path, landed: hash.slice(1), text: await page.evaluate(shown) });
      await page.shot(path.replace(/^\//, "").replace(/[^a-z0-9]+/gi, "-") || "home", { fullPage: walk.desk });
    }
    await page.context().close();
  }
  out.problems = pages.flatMap((p) => p.problems);
  console.log(JSON.stringify(out));
} catch (error) {
  for (const p of pages) await p.shot("failure").catch(() => undefined);
  throw error;
} finally {
  await browser.close();
}
