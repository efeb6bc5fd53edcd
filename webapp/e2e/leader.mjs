// A team leader on the phone (issue 13 items 3 and 5): the campaign's call-up, the whole
// 自动分配 proposal, and a manual 分配 by picking an employer and two people from lists.
// It starts from the link of the leader's WeCom message ("检查组已组成"), logged out.
// SUIJI_E2E_PLAN: {"campaign_id", "leader", "link", "employer", "people": [name, name]}.
import { BASE, check, loginVia, onePhone } from "./lib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");
const id = plan.campaign_id;
await onePhone("leader", async (page) => {
  const out = {};
  check(plan.link === `${BASE}/app/#/campaigns/${id}`, `the message links to the campaign: ${plan.link}`);
  await loginVia(page, plan.link, plan.leader);
  await page.getByText("召集人员（按抽取顺序）").waitFor();
  await page.shot("campaign");
  await page.getByRole("button", { name: "查看自动分配方案" }).click();
  await page.getByRole("button", { name: "确认分配" }).waitFor();
  out.proposal_rows = await page.locator(".van-cell").count();
  await page.shot("proposal");
  await page.goto(`${BASE}/app/#/campaigns/${id}/assign`);
  await page.getByPlaceholder("输入单位名称或检查编号筛选").fill(plan.employer);
  await page.getByText(plan.employer, { exact: true }).click();
  for (const name of plan.people) await page.getByText(name, { exact: true }).click();
  await page.shot("assign-picked");
  await page.getByRole("button", { name: new RegExp(`^分配：${plan.employer}`) }).click();
  const dialog = page.locator(".van-dialog");
  await dialog.waitFor();
  out.dialog = await dialog.innerText();
  check(plan.people.every((n) => out.dialog.includes(n)), `team announced: ${out.dialog}`);
  await page.shot("assigned");
  return out;
});
