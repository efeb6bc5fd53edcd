// 回避 from the phone (issue 13): an inspector on a visit not yet begun declares a conflict with
// the employer. A reason too short is refused, saying why, and nothing is recorded; then the
// declaration is made, the app says what followed (off the team, the leader told) and the visit
// leaves the inspector's list. Rows on the server are checked by the caller.
// SUIJI_E2E_PLAN: {"inspection_id", "inspector", "employer", "reason"}.
import { check, loginVia, onePhone } from "./lib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");
const out = {};

await onePhone("recusal", async (page) => {
  await loginVia(page, `/inspections/${plan.inspection_id}`, plan.inspector);
  await page.getByRole("button", { name: "与该单位有利害关系，申请回避" }).click();
  const form = page.locator(".van-dialog").filter({ hasText: "回避事由" });
  await form.waitFor();
  await form.locator("textarea").fill("亲");
  await form.getByRole("button", { name: "提交" }).click();
  const refusal = page.locator(".van-toast").filter({ hasText: "事由" });
  await refusal.waitFor();
  out.refusal = (await refusal.innerText()).replace(/\s+/g, " ").trim();
  await page.shot("reason-refused");
  await refusal.waitFor({ state: "hidden" });
  await form.locator("textarea").fill(plan.reason);
  await page.shot("reason-given");
  await form.getByRole("button", { name: "提交" }).click();
  const done = page.locator(".van-dialog").filter({ hasText: "已登记回避" });
  await done.waitFor();
  out.message = (await done.innerText()).replace(/\s+/g, " ").trim();
  await page.shot("declared");
  await done.getByRole("button", { name: "知道了" }).click();
  await page.waitForURL((url) => url.hash.startsWith("#/inspections") && !url.hash.includes(String(plan.inspection_id)));
  await page.getByRole("tab", { name: "全部" }).click();
  await page.waitForLoadState("networkidle");
  await page.shot("list-after");
  out.still_listed = (await page.locator(".van-cell").filter({ hasText: plan.employer }).count()) > 0;
  // The visit is no longer this inspector's: opened by its link, the server refuses it.
  await page.goto(page.url().replace(/#.*$/, `#/inspections/${plan.inspection_id}`));
  await page.waitForLoadState("networkidle");
  await page.shot("visit-after");
  out.visit_text = (await page.locator("body").innerText()).replace(/\s+/g, " ").slice(0, 300);
  check(!out.visit_text.includes("与该单位有利害关系"), "the 回避 button is not offered any more");
  return out;
});
