// Four-eyes at the desk (issue 16): a criminal-liability fact recorded by someone else agreed to
// by 政策法规科, and a role change proposed by one admin and approved by another.
// SUIJI_E2E_PLAN: {"admin", "second", "employer", "person"}.
import { check, launch, loginVia } from "./lib.mjs";
import { desk, scenario } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");

await scenario(launch, async (browser, pages) => {
  const out = {};
  const { page } = await desk(browser, "reviews");
  pages.push(page);
  await loginVia(page, "/desk/reviews", plan.admin);
  const facts = page.locator("table[data-test=fact-reviews]");
  const row = facts.locator("tbody tr", { hasText: plan.employer });
  await row.waitFor();
  out.fact_row = await row.innerText();
  await page.shot("pending");
  await row.getByRole("button", { name: "同意", exact: true }).click();
  await page.locator(".van-dialog").getByRole("button", { name: "同意", exact: true }).click();
  await facts.locator("tbody tr", { hasText: plan.employer }).waitFor({ state: "detached" });

  await page.locator("input[data-test=person]").fill(plan.person);
  await page.locator(".options button", { hasText: plan.person }).first().click();
  await page.locator("label.check", { hasText: "组长" }).locator("input").check();
  await page.shot("propose");
  await page.getByRole("button", { name: "提出调整" }).click();
  const changes = page.locator("table[data-test=role-changes]");
  const mine = changes.locator("tbody tr", { hasText: plan.person });
  await mine.waitFor();
  out.change_row = await mine.innerText();
  await mine.getByRole("button", { name: "同意", exact: true }).click();
  await page.locator(".van-dialog").getByRole("button", { name: "同意", exact: true }).click();
  const refused = page.locator(".van-dialog", { hasText: "未能完成" });
  await refused.waitFor();
  out.own_refusal = await refused.innerText();
  await page.shot("own-refused");
  await refused.getByRole("button", { name: "知道了" }).click();

  const second = await desk(browser, "reviews-second");
  pages.push(second.page);
  await loginVia(second.page, "/desk/reviews", plan.second);
  const theirs = second.page.locator("table[data-test=role-changes] tbody tr", { hasText: plan.person });
  await theirs.waitFor();
  await theirs.getByRole("button", { name: "同意", exact: true }).click();
  await second.page.locator(".van-dialog").getByRole("button", { name: "同意", exact: true }).click();
  await theirs.waitFor({ state: "detached" });
  await second.page.shot("approved");
  check(out.fact_row.includes("被追究刑事责任"), "the fact's kind is shown");
  return out;
});
