// The done-when of issue 13, as a newcomer does it after `./run.sh` on a fresh clone: open
// /app/ in a phone-sized browser, pick a demo inspector, open one of their inspections, check in,
// record a finding with a photo. The server side (the finding and its photo through the staff
// API) is checked by the caller, tests/webapp/test_run_sh_newcomer.py.
// SUIJI_E2E_PLAN: {"inspector", "employer", "inspection_id", "item", "item_name", "photo"}.
import { BASE, check, onePhone, settled } from "./lib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");

await onePhone("newcomer", async (page) => {
  await page.goto(`${BASE}/app/`);
  await page.getByText("选择演示用户").waitFor();
  await page.shot("demo-users");
  await page.getByText(plan.inspector, { exact: true }).first().click();
  await page.locator(".van-tabbar").waitFor();
  await page.locator(".van-tabbar").getByText("检查").click();
  await page.getByRole("tab", { name: "全部" }).click();
  await page.getByText(plan.employer).first().click();
  await page.waitForURL((url) => url.hash === `#/inspections/${plan.inspection_id}`);
  await page.getByRole("button", { name: "到场签到" }).click(); // an inspection not yet begun
  await page.getByText("检查中", { exact: true }).first().waitFor();
  await page.shot("inspection");
  await page.getByText(plan.item_name, { exact: true }).first().click();
  await page.waitForURL((url) => url.hash === `#/inspections/${plan.inspection_id}/items/${plan.item}`);
  await page.getByRole("button", { name: "符合", exact: true }).click();
  await page.locator("input[type=file][multiple]").setInputFiles(plan.photo);
  await page.getByText("未保存").waitFor();
  await page.shot("finding-with-photo");
  await page.getByRole("button", { name: /^保存/ }).click();
  await page.waitForURL((url) => url.hash === `#/inspections/${plan.inspection_id}`);
  await settled(page);
  await page.shot("finding-saved");
  const text = await page.locator("body").innerText();
  check(text.includes("已记录 1 /"), "the inspection counts the finding");
  return { recorded: true };
});
