// The draw ceremony at the desk (issue 14, R10, R15): an initiator commits (the commitment and
// what it froze are shown), enters the public entropy with its source and date and the witnesses'
// names, reveals; the projector view then shows the commitment, the entropy and the ranked
// employers and inspectors appearing in draw order, with QR codes to the public record.
// SUIJI_E2E_PLAN: {"initiator", "code", "source", "value", "date", "witnesses": [..]}.
import { ARTIFACTS, BASE, check, decodeQr, launch, loginVia, watched } from "./lib.mjs";
import { desk, scenario } from "./desklib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");

await scenario(launch, async (browser, pages) => {
  const out = {};
  const { context, page } = await desk(browser, "draw");
  pages.push(page);
  await loginVia(page, "/desk/draws", plan.initiator);
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
  return out;
});
