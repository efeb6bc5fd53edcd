// Issue 15: the landing page, the playground (/dev/) and the public window in Debian's Chromium at
// a phone's size (390×844) and a desktop's (1280×900), with screenshots; and, in the playground,
// declining a call-up as an inspector by clicking, until the next inspector's card arrives.
// Prints one JSON line: the pages seen, who declined, who was called next, console problems.
import { ARTIFACTS, BASE, check, launch, PHONE, watched } from "./lib.mjs";

const SIZES = { phone: PHONE, desktop: { width: 1280, height: 900 } };
// {"decline_only": true}: only the decline flow, at a phone's size (the fresh-clone test).
const PLAN = JSON.parse(process.env.SUIJI_E2E_PLAN || "{}");

async function context(browser, size) {
  const mobile = size === "phone";
  return browser.newContext({ viewport: SIZES[size], deviceScaleFactor: mobile ? 2 : 1,
    isMobile: mobile, hasTouch: mobile, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
}

/** Open `path`, screenshot it, and say whether the page is wider than the screen. */
async function visit(page, path, label) {
  const resp = await page.goto(BASE + path);
  check(resp && resp.status() === 200, `${path} answered ${resp && resp.status()}`);
  await page.waitForLoadState("networkidle");
  await page.shot(label);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  return { path, title: await page.title(), wide };
}

async function publicPaths(page) {
  await page.goto(BASE + "/public/");
  const hrefs = await page.$$eval("a[href^='/public/']", (as) => as.map((a) => a.getAttribute("href")));
  const paths = [...new Set(hrefs.filter((h) => !h.endsWith(".json") && !h.endsWith(".py")))];
  return ["/public/", ...paths.filter((p) => p !== "/public/"), "/public/search?q=" + encodeURIComponent("重庆")];
}

async function pages(browser, size) {
  const ctx = await context(browser, size);
  const page = watched(await ctx.newPage(), size, `pages-${size}`);
  const seen = [await visit(page, "/", "home")];
  check(await page.getByRole("link", { name: "演练场" }).count() === 1, "the landing page links the playground");
  seen.push(await visit(page, "/dev/", "playground"));
  for (const [i, path] of (await publicPaths(page)).entries()) {
    seen.push(await visit(page, path, `public-${String(i).padStart(2, "0")}`));
  }
  await ctx.close();
  return { seen, problems: page.problems };
}

async function waitingNames(page) {
  return page.$$eval("#people button", (bs) => bs.filter((b) => b.querySelector(".badge"))
    .map((b) => ({ userid: b.dataset.userid, name: b.querySelector(".name").textContent })));
}

/** As the first inspector with a pending card: choose 参加重要会议, click 因公务无法参加; then find the
 * newly waiting person in the list, open them, and see the card. */
async function decline(browser, size, opened) {
  const ctx = await context(browser, size);
  ctx.on("page", (p) => opened.push(p));
  const page = watched(await ctx.newPage(), `decline-${size}`, `decline-${size}`);
  await page.goto(BASE + "/dev/");
  await page.locator("#people .badge").first().waitFor({ timeout: 60000 });
  const before = await waitingNames(page);
  const inspector = before[0];
  await page.locator(`#people button[data-userid="${inspector.userid}"]`).click();
  const card = page.locator(".wecard").filter({ has: page.locator("button[data-key='decline']:enabled") }).first();
  await card.waitFor();
  await card.locator("select").selectOption({ label: "参加重要会议" });
  await page.shot("card");
  await card.locator("button[data-key='decline']").click();
  await page.locator(".wecard .answered", { hasText: "因公务无法参加" }).first().waitFor({ timeout: 30000 });
  await page.locator(".messages li.me", { hasText: "参加重要会议" }).first().waitFor();
  await page.locator("#status", { hasText: "应用已答复" }).waitFor();
  await page.shot("declined");
  // The list refreshes by itself; reload to see the new badge at once.
  let next = null;
  for (let i = 0; i < 60 && !next; i++) {
    await page.reload();
    await page.locator("#people button").first().waitFor();
    const now = await waitingNames(page);
    next = now.find((p) => !before.some((b) => b.userid === p.userid)) ?? null;
    if (!next) await page.waitForTimeout(500);
  }
  check(next, "a new person has a pending card after the decline");
  await page.locator(`#people button[data-userid="${next.userid}"]`).click();
  await page.locator(".wecard button[data-key='decline']:enabled").first().waitFor({ timeout: 30000 });
  await page.shot("next-inspector");
  // The staff app as this person: a new tab, logged in (its home names them), not the login.
  const [app] = await Promise.all([ctx.waitForEvent("page"), page.locator("#open-app").click()]);
  await app.getByText(next.name, { exact: true }).first().waitFor({ timeout: 30000 });
  await app.screenshot({ path: `${ARTIFACTS}decline-${size}-99-staff-app.png` });
  check(app.url().includes("/app/") && !app.url().includes("login"),
    `the staff app opened as ${next.name}: ${app.url()}`);
  await ctx.close();
  return { declined: inspector, next, problems: page.problems };
}

/** `decline`, with a screenshot of where it stopped when it fails. */
async function declineShown(browser, size) {
  const opened = [];
  try {
    return await decline(browser, size, opened);
  } catch (error) {
    for (const [i, page] of opened.entries()) {
      await page.screenshot({ path: `${ARTIFACTS}decline-${size}-failure-${i}.png` }).catch(() => undefined);
    }
    throw error;
  }
}

const browser = await launch();
try {
  const out = { sizes: {}, problems: [] };
  for (const size of PLAN.decline_only ? [] : Object.keys(SIZES)) {
    const seen = await pages(browser, size);
    out.sizes[size] = seen.seen;
    out.problems.push(...seen.problems);
  }
  out.flows = [];
  for (const size of PLAN.decline_only ? ["phone"] : Object.keys(SIZES)) {
    const flow = await declineShown(browser, size);
    out.flows.push({ size, declined: flow.declined, next: flow.next });
    out.problems.push(...flow.problems);
  }
  console.log(JSON.stringify(out));
} finally {
  await browser.close();
}
