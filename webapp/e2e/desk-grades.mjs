// Grade review at the desk (issue 14, 人社部规〔2016〕1号): the year's proposals with the facts
// and clause behind each; every pending A-grade proposal confirmed at once; one of the others
// changed with a reason. SUIJI_E2E_PLAN: {"admin", "year", "reason"}.
import { check, launch, loginVia } from "./lib.mjs";
import { desk, scenario } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");

await scenario(launch, async (browser, pages) => {
  const out = {};
  const { page } = await desk(browser, "grades");
  pages.push(page);
  await loginVia(page, "/desk/grades", plan.admin);
  await page.locator("select[data-test=year]").selectOption(String(plan.year));
  const table = page.locator("table[data-test=assessments]");
  await table.locator("tbody tr[data-id]").first().waitFor();
  out.pending = await table.locator("tbody tr[data-id]").count();
  await page.shot("proposals");

  await page.locator("select[data-test=grade-filter]").selectOption("A");
  await page.locator("[data-test=select-all]").check();
  out.selected = Number(await page.locator("[data-test=selected]").innerText());
  out.selected_ids = await table.locator("tbody tr[data-id]").evaluateAll((rows) => rows.map((r) => Number(r.dataset.id)));
  await page.shot("selected");
  await page.getByRole("button", { name: "按拟评等级确认所选" }).click();
  await page.locator(".van-dialog").getByRole("button", { name: "确认", exact: true }).click();
  const done = page.locator(".van-dialog", { hasText: "已确认" });
  await done.waitFor();
  out.confirmed_text = await done.innerText();
  await page.shot("confirmed");
  await done.getByRole("button", { name: "知道了" }).click();
  check(await table.locator("tbody tr[data-id]").count() === 0, "no pending A-grade proposal is left");

  await page.locator("select[data-test=grade-filter]").selectOption("");
  const withFacts = table.locator("tbody tr[data-id]", { hasText: "事实" }).first();
  await withFacts.waitFor();
  out.changed_id = Number(await withFacts.getAttribute("data-id"));
  const row = table.locator(`tbody tr[data-id="${out.changed_id}"]`);
  out.proposed = (await row.locator(".van-tag").innerText()).trim();
  await row.getByText(/事实 \d+ 项/).first().click();
  out.facts = await row.locator(".facts").first().innerText();
  await page.shot("facts");
  await row.getByText("改变等级").click();
  const dialog = page.locator(".van-dialog", { hasText: "改变拟评等级" });
  await dialog.waitFor();
  out.new_grade = out.proposed === "A级" ? "B" : "A";
  await dialog.locator("select[data-test=new-grade]").selectOption(out.new_grade);
  await dialog.locator("textarea[data-test=reason]").fill(plan.reason);
  await page.shot("change-one");
  await dialog.getByRole("button", { name: "确认改变" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.locator("select[data-test=grade-filter]").selectOption("");
  await page.locator("select").nth(1).selectOption("confirmed");
  await table.locator(`tbody tr[data-id="${out.changed_id}"]`).waitFor();
  out.changed_row = await table.locator(`tbody tr[data-id="${out.changed_id}"]`).innerText();
  await page.shot("after");
  return out;
});
