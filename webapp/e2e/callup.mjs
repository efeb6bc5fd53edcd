// An inspector who accepted a call-up withdraws it for an official duty from the phone
// (issue 13 item 1): 我的召集 → 因公务撤回 → 事由 → the call-up leaves the list.
// SUIJI_E2E_PLAN: {"inspector", "campaign_code", "reason"}.
import { check, loginVia, onePhone } from "./lib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");
await onePhone("withdraw", async (page) => {
  const out = {};
  await loginVia(page, "/callups", plan.inspector);
  const card = page.locator(".callup", { hasText: plan.campaign_code });
  await card.getByRole("button", { name: "因公务撤回" }).click();
  const dialog = page.locator(".van-dialog");
  await dialog.locator("textarea").fill(plan.reason);
  await page.shot("withdraw-reason");
  await dialog.getByRole("button", { name: "提交" }).click();
  await card.waitFor({ state: "detached" });
  const answer = page.locator(".van-dialog__message", { hasText: plan.campaign_code });
  await answer.waitFor();
  out.answer = await answer.innerText();
  await page.shot("withdrawn");
  check(out.answer.includes(plan.reason), `the answer repeats the reason: ${out.answer}`);
  return out;
});
