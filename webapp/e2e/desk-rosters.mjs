// 政策法规科 at the desk (issue 14, done-when): upload an employer sheet with one bad row, see
// the error against that row, correct it on the screen, check again, apply; then download the
// roster. SUIJI_E2E_PLAN: {"admin", "sheet" (path of a CSV), "bad_row", "bad_field", "fix"}.
import { readFileSync } from "node:fs";
import { check, launch, loginVia } from "./lib.mjs";
import { desk, scenario } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");

await scenario(launch, async (browser, pages) => {
  const out = {};
  const { page } = await desk(browser, "rosters");
  pages.push(page);
  await loginVia(page, "/desk/rosters", plan.admin);
  await page.getByText("选择文件并检查").waitFor();
  check(await page.locator("aside").getByText("名录导入").isVisible(), "the desk's side menu shows the screen");

  await page.locator("input[data-test=sheet-file]").setInputFiles(plan.sheet);
  const refusal = page.locator("[data-test=refusal]");
  await refusal.waitFor();
  out.refusal = await refusal.innerText();
  const bad = page.locator(`tr[data-row="${plan.bad_row}"]`);
  check(await bad.evaluate((tr) => tr.classList.contains("bad")), "the bad row is marked");
  out.bad_row_text = await bad.locator("td.result").innerText();
  out.bad_rows = await page.locator("tr.bad").count();
  await page.shot("bad-row");

  const input = page.getByLabel(`第${plan.bad_row}行${plan.bad_field}`);
  await input.fill(plan.fix);
  await page.getByRole("button", { name: "按改正后的内容重新检查" }).click();
  const ready = page.locator("[data-test=ready]");
  await ready.waitFor();
  out.ready = await ready.innerText();
  await page.shot("ready");
  await page.getByRole("button", { name: "确认导入" }).click();
  const dialog = page.locator(".van-dialog");
  await dialog.waitFor();
  out.applied = await dialog.innerText();
  await page.shot("applied");
  await dialog.getByRole("button", { name: "知道了" }).click();

  const [download] = await Promise.all([page.waitForEvent("download"),
    page.getByRole("button", { name: /下载当前用人单位名录/ }).click()]);
  out.download_name = download.suggestedFilename();
  out.download_magic = readFileSync(await download.path()).subarray(0, 2).toString("latin1");
  return out;
});
