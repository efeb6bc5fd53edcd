// From the campaign wizard to the projector (issue 14 items 2, 3): an initiator writes the
// implementation plan in 新建抽查任务 — items, a rule change that changes the live count of
// candidates, an employer left out (refused without a reason, then with one), the leader —
// saves the draft and submits it for approval; then commits (the commitment and what it froze are
// shown), enters the public entropy with its source and date and the witnesses' names, reveals;
// the projector view then shows the commitment, the entropy and the ranked employers and
// inspectors appearing in draw order, with QR codes to the public record.
// SUIJI_E2E_PLAN: {"initiator", "code", "title", "purpose", "use_of_results", "items": [..],
//   "township", "exclude": {"query", "name", "reason"}, "leader", "source", "value", "date",
//   "witnesses": [..]}.
import { ARTIFACTS, BASE, check, decodeQr, launch, loginVia, watched } from "./lib.mjs";
import { desk, scenario } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");

/** The live count per stratum as the wizard shows it, once the server has answered. */
async function counts(page) {
  await page.waitForFunction(() => {
    const total = document.querySelector("[data-test=candidates-total]");
    return total && total.textContent.trim() !== "" && !document.body.innerText.includes("正在计算");
  }, undefined, { timeout: 15000 });
  const out = {};
  for (const row of await page.locator("tr[data-stratum]").all()) {
    const key = await row.getAttribute("data-stratum");
    const text = (await row.locator(`[data-test=candidates-${key}]`).innerText()).trim();
    if (text !== "—") out[key] = Number(text);
  }
  out.total = Number(await page.locator("[data-test=candidates-total]").innerText());
  return out;
}

/** Wait until the live count differs from `before`, then return it. */
async function changed(page, before) {
  await page.waitForFunction((was) => {
    const total = document.querySelector("[data-test=candidates-total]");
    return total && total.textContent.trim() !== String(was) && !document.body.innerText.includes("正在计算");
  }, before.total, { timeout: 15000 });
  return counts(page);
}

async function wizard(page, out) {
  await page.getByText("新建抽查任务").first().click();
  await page.getByPlaceholder("如：2026-JC-012").waitFor();
  await page.getByPlaceholder("如：2026-JC-012").fill(plan.code);
  await page.getByPlaceholder("如：2026年冬季劳动用工专项抽查").fill(plan.title);
  await page.getByPlaceholder("如：检查劳动合同签订和工资支付情况").fill(plan.purpose);
  await page.getByPlaceholder("如：记入用人单位劳动保障守法诚信档案").fill(plan.use_of_results);
  await page.shot("wizard-task");
  await page.getByRole("button", { name: "下一步" }).click();
  for (const name of plan.items) {
    await page.locator("label.item", { hasText: name }).first().locator("input").check();
  }
  await page.shot("wizard-items");
  await page.getByRole("button", { name: "下一步" }).click();
  out.counts_before = await counts(page);
  await page.shot("wizard-rules");
  // The rule change: one township only; the live count follows.
  await page.locator("[data-test=townships]").fill(plan.township);
  await page.locator("[data-test=townships]").press("Tab");
  out.counts_township = await changed(page, out.counts_before);
  // An employer left out: refused without a reason, against its row; then with one.
  await page.locator("[data-test=exclude-search]").fill(plan.exclude.query);
  await page.locator(".found button", { hasText: plan.exclude.name }).first().click();
  await page.getByRole("button", { name: "保存草稿" }).click();
  await page.locator("[data-test=exclude-error]").waitFor();
  out.exclude_error = await page.locator("[data-test=exclude-error]").innerText();
  out.rules_step_marked = await page.locator(".step-tab.bad").allInnerTexts();
  await page.shot("wizard-refused");
  await page.locator("[data-test=exclude-reason]").fill(plan.exclude.reason);
  await page.locator("[data-test=exclude-reason]").press("Tab");
  out.counts_after = await changed(page, out.counts_township);
  out.exclusion_row = await page.locator("table.exclusions tbody tr").first().innerText();
  await page.shot("wizard-rules-changed");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.locator("[data-test=inspector-candidates]").waitFor();
  out.inspector_candidates = await page.locator("[data-test=inspector-candidates]").innerText();
  await page.getByRole("button", { name: "下一步" }).click();
  out.working_days = await page.locator("[data-test=working-days]").innerText();
  await page.shot("wizard-window");
  await page.getByRole("button", { name: "下一步" }).click();
  await page.locator("[data-test=leader]").selectOption({ label: plan.leader_label });
  out.summary_draw = await page.locator("[data-test=summary-draw]").innerText();
  await page.shot("wizard-summary");
  await page.getByRole("button", { name: "保存草稿" }).click();
  await page.waitForURL((url) => /#\/desk\/campaigns\/\d+\/edit$/.test(url.hash), { timeout: 15000 });
  await page.getByText("草稿已保存").waitFor();
  out.campaign_id = Number(page.url().match(/campaigns\/(\d+)\/edit/)[1]);
  await page.getByRole("button", { name: "提交批准" }).click();
  await page.locator(".van-dialog").getByRole("button", { name: "提交批准" }).click();
  await page.locator("[data-test=state]", { hasText: "已批准" }).waitFor();
  await page.locator(".van-toast").waitFor({ state: "hidden" }).catch(() => undefined);
  await page.shot("wizard-approved");
  // The API's own count for the saved plan, asked now (before the commit, whose visits change
  // who is eligible next): the test compares it with what the wizard showed.
  out.api_preview = await page.evaluate(async ({ id, key }) => {
    const headers = { Authorization: `Bearer ${localStorage.getItem(key)}`, "Content-Type": "application/json" };
    const c = await (await fetch(`/api/v1/campaigns/${id}`, { headers })).json();
    const resp = await fetch("/api/v1/campaigns/preview-strata", { method: "POST", headers, body: JSON.stringify({
      field_start: c.field_start, field_end: c.field_end, rules: c.rules, item_version_ids: c.item_version_ids,
      inspector_section_ids: c.inspector_section_ids, inspectors_needed: c.inspectors_needed }) });
    return resp.json();
  }, { id: out.campaign_id, key: "suiji.token" });
  await page.goto(`${BASE}/app/#/desk/campaigns`);
  const listed = page.locator("tr", { hasText: plan.code });
  out.listed_state = await listed.locator("[data-test=state]").innerText();
  await page.shot("campaigns");
}

await scenario(launch, async (browser, pages) => {
  const out = {};
  const { context, page } = await desk(browser, "draw");
  pages.push(page);
  await loginVia(page, "/desk/campaigns", plan.initiator);
  await wizard(page, out);
  await page.goto(`${BASE}/app/#/desk/draws`);
  const row = page.locator("tr", { hasText: plan.code });
  await row.getByRole("link", { name: "抽取会" }).click();
  await page.getByRole("button", { name: "生成并公布承诺" }).waitFor();
  await page.shot("before-commit");
  await page.getByRole("button", { name: "生成并公布承诺" }).click();
  await page.locator(".van-dialog").getByRole("button", { name: "公布承诺" }).click();
  await page.locator("[data-test=commitment]").first().waitFor();
  out.commitments = await page.locator("[data-test=commitment]").allInnerTexts();
  out.frozen = await page.locator("table.strata").first().innerText();
  await page.shot("committed");

  await page.getByPlaceholder("如：福彩3D 2026321期").fill(plan.source);
  await page.getByPlaceholder("如：5 8 2").fill(plan.value);
  await page.locator("input[type=date]").fill(plan.date);
  const witnessInputs = page.locator(".witnesses input");
  for (const [i, name] of plan.witnesses.entries()) await witnessInputs.nth(i).fill(name);
  out.entropy_text = await page.locator("[data-test=entropy-text]").innerText();
  await page.shot("entropy");
  await page.getByRole("button", { name: "当众揭示" }).click();
  await page.locator(".van-dialog").getByRole("button", { name: "揭示" }).click();
  await page.locator(".ranked li").first().waitFor();
  await page.locator(".van-toast").waitFor({ state: "hidden" }).catch(() => undefined);
  await page.shot("revealed");

  // The projector, as opened from the ceremony's button (a second window of the same browser).
  const [projector] = await Promise.all([context.waitForEvent("page"),
    page.getByText("投影显示").click()]);
  pages.push(watched(projector, "projector", "desk-draw-projector"));
  await projector.locator("[data-test=employer], [data-test=inspector]").nth(1).waitFor();
  await projector.shot("appearing");
  out.appearing = await projector.locator("[data-test=employer], [data-test=inspector]").count();
  await projector.locator("[data-test=done]").waitFor({ timeout: 30000 });
  await projector.shot("all");
  out.projector_entropy = await projector.locator("[data-test=entropy]").innerText();
  out.projector_commitments = await projector.locator("[data-test^=commitment-]").allInnerTexts();
  out.employers = await projector.locator("[data-test=employer] .name").allInnerTexts();
  out.inspectors = await projector.locator("[data-test=inspector] .name").allInnerTexts();
  const qr = `${ARTIFACTS}desk-draw-projector-qr.png`;
  await projector.locator("[data-test=qr-employers]").screenshot({ path: qr });
  out.qr = decodeQr(qr);
  check(out.qr && out.qr.startsWith(BASE), `the QR code names the public record: ${out.qr}`);
  // The campaigns list of the field app names every state in words (it once showed in_field).
  await page.goto(`${BASE}/app/#/campaigns`);
  const cell = page.locator(".van-cell", { hasText: plan.code });
  out.field_state = await cell.locator(".van-tag").innerText();
  out.field_states = await page.locator(".van-cell .van-tag").allInnerTexts();
  await page.shot("field-campaigns");
  return out;
});
