// The rest of the desk (issue 14) in a desktop browser, one part per run (argument):
//   items      — 政策法规科 amends an item (reason, effective date), publishes it, withdraws another
//   plans      — 发起科室 submits next year's plan and publishes the year's plans together
//   reports    — 发起科室 generates a campaign's report, downloads PDF and Excel, approves it
//   blacklist  — 发起科室 gives notice, sees the statement deadline, decides to list
//   smoke      — 公示任务, 审计记录, 回避登记, 执法证到期, 工作日调整: open, real data, one action
// SUIJI_E2E_PLAN holds the part's data; the result is the last line of output (JSON).
import { check, launch, loginVia } from "./lib.mjs";
import { desk, scenario } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");
const part = process.argv[2];

async function opened(browser, pages, name, path, user) {
  const { page } = await desk(browser, name);
  pages.push(page);
  await loginVia(page, path, user);
  return page;
}
const dialog = (page, title) => page.locator(".van-dialog", { hasText: title });
async function confirmDialog(page, title, button) {
  const d = dialog(page, title);
  await d.waitFor();
  await d.getByRole("button", { name: button, exact: true }).click();
  await d.waitFor({ state: "hidden" });
}
const text = async (locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

const parts = {
  async items(browser, pages) {
    const out = {};
    const page = await opened(browser, pages, "items", "/desk/items", plan.admin);
    const table = page.locator("table[data-test=items]");
    const row = table.locator(`tr[data-code="${plan.amend}"]`);
    await row.waitFor();
    out.before = await text(row.locator("[data-test=state]"));
    await page.shot("list");
    await row.locator("[data-test=amend]").click();
    const form = page.locator("[data-test=item-form]");
    await form.waitFor();
    // Nothing changed and no reason: the form says so in Chinese and sends nothing.
    await dialog(page, "修订抽查事项").getByRole("button", { name: "保存" }).click();
    out.refused = await text(form);
    await page.shot("amend-refused");
    await form.locator("[data-test=f-content]").fill(plan.content);
    await form.locator("[data-test=f-reason]").fill(plan.reason);
    await form.locator("[data-test=f-effective]").fill(plan.effective);
    await page.shot("amend-form");
    await dialog(page, "修订抽查事项").getByRole("button", { name: "保存" }).click();
    await form.waitFor({ state: "hidden" });
    await row.locator("[data-test=publish]").waitFor();
    out.drafted = await text(row.locator("[data-test=state]"));
    await row.locator("[data-test=publish]").click();
    await confirmDialog(page, "公布事项版本", "公布");
    await row.locator("[data-test=amend]").waitFor();
    out.published = await text(row.locator("[data-test=state]"));
    out.history = await text(page.locator(`[data-test="history-${plan.amend}"]`));
    await page.shot("amended-history");

    const gone = table.locator(`tr[data-code="${plan.withdraw}"]`);
    await gone.locator("[data-test=withdraw]").click();
    const w = dialog(page, "撤销抽查事项");
    await w.waitFor();
    await w.getByRole("button", { name: "撤销", exact: true }).click();
    out.withdraw_refused = await text(w);
    await w.locator("[data-test=withdraw-reason]").fill(plan.withdraw_reason);
    await page.shot("withdraw");
    await w.getByRole("button", { name: "撤销", exact: true }).click();
    await w.waitFor({ state: "hidden" });
    await page.locator(`[data-test="history-${plan.withdraw}"]`).waitFor();
    out.withdrawn = await text(gone.locator("[data-test=state]"));
    out.withdrawn_history = await text(page.locator(`[data-test="history-${plan.withdraw}"]`));
    await page.shot("withdrawn");
    return out;
  },

  async plans(browser, pages) {
    const out = {};
    const page = await opened(browser, pages, "plans", "/desk/plans", plan.initiator);
    await page.locator("select[data-test=year]").selectOption(String(plan.year));
    await page.locator("table[data-test=plans]").waitFor();
    await page.shot("empty");
    await page.getByRole("button", { name: "报送", exact: true }).click();
    out.refused = await text(page.locator("form.own"));
    await page.locator("[data-test=needs]").fill(plan.needs);
    await page.getByRole("button", { name: "报送", exact: true }).click();
    const row = page.locator(`table[data-test=plans] tr[data-section="${plan.section}"]`);
    await row.waitFor();
    out.submitted = await text(row);
    await page.shot("submitted");
    await page.locator("[data-test=publish]").click();
    const d = dialog(page, "统一公示");
    await d.waitFor();
    out.confirm = await text(d);
    await d.getByRole("button", { name: "公示", exact: true }).click();
    await row.locator("[data-test=status]", { hasText: "已公示" }).waitFor();
    out.published = await text(row);
    out.own = await text(page.locator("[data-test=own-status]"));
    await page.shot("published");
    return out;
  },

  async reports(browser, pages) {
    const out = {};
    const page = await opened(browser, pages, "reports", "/desk/reports", plan.initiator);
    const row = page.locator(`table[data-test=reports] tr[data-code="${plan.code}"]`);
    await row.waitFor();
    await row.click();
    const panel = page.locator("[data-test=report]");
    await panel.getByText(plan.title).first().waitFor();
    out.before = await text(row.locator("[data-test=report-status]"));
    await page.shot("due");
    await panel.locator("[data-test=generate]").click();
    await row.locator("[data-test=report-status]", { hasText: "已生成" }).waitFor();
    await page.shot("generated");
    for (const fmt of ["pdf", "xlsx"]) {
      const [download] = await Promise.all([page.waitForEvent("download"), panel.locator(`[data-test=${fmt}]`).click()]);
      out[`${fmt}_name`] = download.suggestedFilename();
      out[`${fmt}_path`] = `${plan.dir}/report.${fmt}`;
      await download.saveAs(out[`${fmt}_path`]);
    }
    await panel.locator("[data-test=approval-note]").fill(plan.note);
    await panel.locator("[data-test=approve]").click();
    await confirmDialog(page, "审核通过", "审核通过");
    await row.locator("[data-test=report-status]", { hasText: "已审核归档" }).waitFor();
    out.after = await text(row);
    out.archived = await text(panel.locator(".desk-okay"));
    await page.shot("approved");
    return out;
  },

  async blacklist(browser, pages) {
    const out = {};
    const page = await opened(browser, pages, "blacklist", "/desk/blacklist", plan.initiator);
    await page.locator("table[data-test=cases]").waitFor();
    out.listed_before = await page.locator("table[data-test=cases] tbody tr[data-id]").count();
    await page.shot("cases");
    await page.locator("[data-test=new]").click();
    await page.locator("[data-test=uscc]").fill(plan.uscc.toLowerCase());
    await page.locator("[data-test=look-up]").click();
    out.party = await text(page.locator("[data-test=party]"));
    await page.locator("[data-test=noticed-on]").fill(plan.future);
    await page.locator("[data-test=give-notice]").click();
    out.notice_refused = await text(page.locator("[data-test=notice-form]"));
    await page.shot("notice-refused");
    await page.locator("[data-test=noticed-on]").fill(plan.noticed_on);
    await page.locator("[data-test=cause]").fill(plan.cause);
    await page.shot("notice");
    await page.locator("[data-test=give-notice]").click();
    await page.locator("[data-test=decision-form]").waitFor();
    out.steps_noticed = await page.locator("[data-test=steps] li").evaluateAll((lis) => lis.map((li) => ({ step: li.dataset.step, state: li.className, text: li.innerText.replace(/\s+/g, " ") })));
    await page.shot("noticed");
    // A decision dated inside the statement window is refused on the screen.
    await page.locator("[data-test=decided-on]").fill(plan.inside_window);
    await page.locator("[data-test=decide]").click();
    out.decision_refused = await text(page.locator("[data-test=decision-form]"));
    await page.shot("decision-refused");
    await page.locator("[data-test=decided-on]").fill(plan.today);
    await page.locator("[data-test=decide]").click();
    await confirmDialog(page, "列入决定", "决定");
    await page.locator("[data-test=removal-form]").waitFor();
    out.steps_listed = await page.locator("[data-test=steps] li").evaluateAll((lis) => lis.map((li) => ({ step: li.dataset.step, state: li.className, text: li.innerText.replace(/\s+/g, " ") })));
    await page.shot("listed");
    return out;
  },

  async smoke(browser, pages) {
    const out = {};
    // 公示任务 (发起科室): the duties by due date; one published, one withheld with its basis.
    const pub = await opened(browser, pages, "publication", "/publication", plan.initiator);
    const duties = pub.locator("table[data-test=duties]");
    await duties.locator("tbody tr[data-id]").first().waitFor();
    out.duties = await duties.locator("tbody tr[data-id]").count();
    await pub.shot("duties");
    const first = duties.locator("tbody tr[data-id]", { has: pub.getByRole("button", { name: "公示", exact: true }) }).first();
    out.published_id = Number(await first.getAttribute("data-id"));
    await first.getByRole("button", { name: "公示", exact: true }).click();
    await confirmDialog(pub, "即刻在公示窗口公开", "公示");
    await duties.locator(`tr[data-id="${out.published_id}"]`, { hasText: "公示" }).waitFor();
    const second = duties.locator("tbody tr[data-id]", { has: pub.getByRole("button", { name: "不予公示" }) }).first();
    out.withheld_id = Number(await second.getAttribute("data-id"));
    await second.getByRole("button", { name: "不予公示" }).click();
    const w = dialog(pub, "不予公示");
    await w.locator("[data-test=withhold-reason]").fill(plan.withhold_reason);
    await w.locator("[data-test=withhold-basis]").fill(plan.withhold_basis);
    await w.getByRole("button", { name: "不予公示", exact: true }).click();
    await w.waitFor({ state: "hidden" });
    await pub.shot("after");

    // 执法证到期 (政策法规科).
    const cert = await opened(browser, pages, "certificates", "/desk/certificates", plan.admin);
    const certs = cert.locator("table[data-test=certificates]");
    await certs.locator("tbody tr").first().waitFor();
    out.certificates = await text(certs);
    await cert.shot("list");

    // 回避登记: one registered by picking the person and the employer.
    await cert.goto(`${cert.url().split("#")[0]}#/desk/conflicts`);
    await cert.locator("[data-test=person]").fill(plan.person);
    await cert.locator(".options button", { hasText: plan.person }).first().click();
    await cert.locator("[data-test=employer]").fill(plan.employer);
    await cert.locator(".options button", { hasText: plan.employer }).first().click();
    await cert.locator("[data-test=reason]").fill(plan.conflict_reason);
    await cert.getByRole("button", { name: "登记", exact: true }).click();
    await cert.locator("table[data-test=conflicts] tr", { hasText: plan.conflict_reason }).waitFor();
    out.conflict_row = await text(cert.locator("table[data-test=conflicts] tr", { hasText: plan.conflict_reason }));
    await cert.shot("conflicts");

    // 审计记录 of that conflict, from its link; the chain verified.
    await cert.locator("table[data-test=conflicts] tr", { hasText: plan.conflict_reason }).getByRole("link", { name: "审计记录" }).click();
    const events = cert.locator("table[data-test=events]");
    await events.locator("tbody tr").first().waitFor();
    out.audit = await text(events);
    await cert.getByRole("button", { name: "核验审计链" }).click();
    await cert.locator("[data-test=chain]", { hasText: /完整|无误|断/ }).waitFor();
    out.chain = await text(cert.locator("[data-test=chain]"));
    await cert.shot("audit");

    // 工作日调整: next year's schedule entered and saved with its basis.
    await cert.goto(`${cert.url().split("#")[0]}#/desk/calendar`);
    await cert.locator("select[data-test=cal-year]").selectOption(String(plan.cal_year));
    for (const day of plan.holidays) await cert.locator(`button[data-date="${day}"]`).click();
    await cert.locator("[data-test=basis]").fill(plan.cal_basis);
    await cert.shot("calendar");
    await cert.getByRole("button", { name: "保存", exact: true }).click();
    const saved = dialog(cert, "已保存");
    await saved.waitFor();
    out.calendar = await text(saved);
    await cert.shot("calendar-saved");
    await saved.getByRole("button", { name: "知道了" }).click();
    check(out.duties > 0, "the duties are listed");
    return out;
  },
};

check(part in parts, `unknown part ${part}`);
await scenario(launch, (browser, pages) => parts[part](browser, pages));
