// Statistics at the desk (issue 14 done-when): the numbers the screens show, read back for the
// test to compare with the API's. SUIJI_E2E_PLAN: {"user", "year", "campaign_id"}.
import { launch, loginVia } from "./lib.mjs";
import { desk, scenario } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");
const tiles = (page) => page.locator("[data-tile]").evaluateAll((els) =>
  Object.fromEntries(els.map((e) => [e.dataset.tile, Number(e.dataset.value)])));
const bars = (page, title) => page.locator(`svg[data-chart="${title}"] text[data-label]`).evaluateAll((els) =>
  Object.fromEntries(els.map((e) => [e.dataset.label, Number(e.dataset.value)])));

await scenario(launch, async (browser, pages) => {
  const out = {};
  const { page } = await desk(browser, "stats");
  pages.push(page);
  // The screen opens on a campaign of its own choosing (loaded at once): the tiles are read only
  // once the chosen campaign's figures have arrived — on opening if it is that one, else after
  // choosing it — not another campaign's still on screen.
  const figures = page.waitForResponse((r) =>
    r.url().includes(`/campaigns/${plan.campaign_id}/statistics`) && r.ok(), { timeout: 60000 });
  await loginVia(page, "/desk/statistics", plan.user);
  await page.locator("select[data-test=stats-year]").selectOption(String(plan.year));
  await page.locator("[data-tile]").first().waitFor();
  await page.waitForTimeout(500);
  out.year_tiles = await tiles(page);
  out.year_inspections = await bars(page, "检查情况（家）");
  out.year_grades = await bars(page, "用人单位现有诚信等级（家）");
  await page.shot("year", { fullPage: true });
  await page.getByRole("tab", { name: "抽查任务统计" }).click();
  await page.locator("select[data-test=stats-campaign]").selectOption(String(plan.campaign_id));
  await figures;
  await page.getByText("抽中单位", { exact: true }).waitFor();
  await page.waitForTimeout(500);
  out.campaign_tiles = await tiles(page);
  out.campaign_strata = await bars(page, "抽中单位（按诚信等级分层，家）");
  await page.shot("campaign", { fullPage: true });
  return out;
});
