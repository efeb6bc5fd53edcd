// A whole inspection recorded from a phone (issue 13 item 5), against a real `suiji serve`:
//   online:  deep link → demo login → check-in → three findings, two photos → both members
//            confirm → submit → rectification order (deadline shown first) → its notice's QR,
//            read back from the screenshot.
//   offline: check-in, then the network cut: three findings, two photos and the confirmation
//            recorded without signal, the page reloaded without signal, then back online; the
//            first photo's answer is lost on the way back, so the app must retry it — with the
//            same Idempotency-Key, or the server records it twice.
// The plan (ids, names, photos) comes as JSON in SUIJI_E2E_PLAN; the result is printed as JSON
// on the last line. Rows on the server are checked by the caller (tests/webapp/).
import { BASE, check, decodeQr, launch, loginVia, phone } from "./lib.mjs";

const plan = JSON.parse(process.env.SUIJI_E2E_PLAN ?? "{}");
const mode = process.argv[2] ?? "online";
const id = plan.inspection_id;
const out = { mode };

async function recordFinding(page, finding) {
  await page.goto(`${BASE}/app/#/inspections/${id}/items/${finding.item}`);
  await page.getByRole("button", { name: finding.label, exact: true }).click();
  if (finding.text) await page.locator("textarea").first().fill(finding.text);
  if (finding.basis) await page.getByPlaceholder("例如：《劳动合同法》第十条").fill(finding.basis);
  if (finding.photo) {
    await page.locator("input[type=file][multiple]").setInputFiles(finding.photo);
    await page.getByText("未保存").waitFor(); // compressed and staged
    await page.shot(`item-${finding.item}-with-photo`);
  }
  await page.getByRole("button", { name: /^保存/ }).click();
  await page.waitForURL((url) => url.hash === `#/inspections/${id}`);
}

async function findings(page) {
  for (const f of plan.findings) await recordFinding(page, f);
}

async function confirmOn(page) {
  await page.goto(`${BASE}/app/#/inspections/${id}/submit`);
  await page.getByRole("button", { name: "我确认以上检查结果" }).click();
  await page.getByRole("button", { name: "我已确认" }).waitFor();
}

async function online(browser, a) {
  await findings(a.page);
  await a.page.shot("three-findings");
  await confirmOn(a.page);
  const b = await phone(browser, "online-partner");
  await loginVia(b.page, `/inspections/${id}/submit`, plan.partner);
  await b.page.getByRole("button", { name: "我确认以上检查结果" }).click();
  await b.page.getByRole("button", { name: "我已确认" }).waitFor();
  await b.page.shot("partner-confirmed");
  await a.page.reload();
  await a.page.getByRole("button", { name: "提交检查结果" }).click();
  await a.page.waitForURL((url) => url.hash === `#/inspections/${id}`);
  await a.page.getByText("已提交", { exact: true }).first().waitFor();
  await a.page.shot("submitted");

  await a.page.getByRole("button", { name: "下达限期改正指令" }).click();
  await a.page.locator("textarea").fill("补签书面劳动合同，并提交签订情况说明。");
  const stepper = a.page.locator(".van-stepper input");
  await stepper.fill("10");
  await stepper.blur();
  const deadline = a.page.locator(".deadline");
  await deadline.waitFor();
  out.deadline_shown = (await deadline.innerText()).trim();
  check(/^\d{4}年\d{1,2}月\d{1,2}日$/.test(out.deadline_shown), `deadline shown before saving: ${out.deadline_shown}`);
  await a.page.shot("order-deadline-preview");
  await a.page.getByRole("button", { name: "下达并签发限期改正指令书" }).click();
  await a.page.waitForURL((url) => /#\/inspections\/\d+\/notices\/\d+$/.test(url.hash));
  await a.page.locator("svg[role=img]").waitFor();
  const qrShot = await a.page.shot("notice-qr");
  out.qr = decodeQr(qrShot);
  check(out.qr && out.qr.startsWith(`${BASE}/n/`), `QR decoded from the screen: ${out.qr}`);
  const publicPage = await fetch(out.qr);
  out.qr_status = publicPage.status;
  const publicHtml = await publicPage.text();
  out.qr_page_has_number = publicHtml.includes(await a.page.locator(".number").innerText());
  // The code the inspector tells the employer: on this screen, never on the public page.
  out.code_shown = (await a.page.locator("[data-test=verification-code]").innerText()).replace(/\s/g, "");
  out.code_on_public_page = publicHtml.includes(out.code_shown);
  // Someone holding the QR code types wrong codes: the page pauses, the inspector lifts it.
  for (let i = 0; i < 5; i += 1) {
    await fetch(`${out.qr}/ack`, { method: "POST", body: new URLSearchParams({ code: "00000000" }) });
  }
  await a.page.reload();
  await a.page.getByText("已暂停验证至").waitFor();
  await a.page.shot("notice-locked");
  await a.page.getByRole("button", { name: "解除暂停" }).click();
  await a.page.getByRole("button", { name: "解除", exact: true }).click();
  await a.page.getByText("已暂停验证至").waitFor({ state: "detached" });
  await a.page.shot("notice-unlocked");
  const retry = await fetch(`${out.qr}/ack`, { method: "POST", body: new URLSearchParams({ code: out.code_shown }) });
  out.ack_after_unlock = retry.status;
  return [b.page];
}

async function offline(_browser, a) {
  await a.context.setOffline(true);
  await findings(a.page);
  await a.page.getByText("待同步 5 项").first().waitFor();
  await a.page.shot("offline-five-pending");
  await a.page.reload(); // without signal: the app comes from the service worker, data from IndexedDB
  await a.page.getByText("检查中", { exact: true }).first().waitFor();
  await a.page.getByText("待同步 5 项").first().waitFor();
  await a.page.shot("offline-reloaded");
  await confirmOn(a.page);
  await a.page.getByText("待同步 6 项").first().waitFor();
  // Back online, the first photo upload reaches the server but its answer is lost: the app must
  // send it again. (Routing is set only now: Playwright's routing bypasses the service worker,
  // which the offline reload above needs.)
  let cut = 0;
  await a.context.route("**/api/v1/inspections/*/evidence*", async (route) => {
    if (route.request().method() === "POST" && cut === 0) {
      cut += 1;
      await route.fetch(); // the server records it…
      await route.abort("connectionreset"); // …and the phone never hears back
      return;
    }
    await route.continue();
  });
  await a.context.setOffline(false);
  await a.page.goto(`${BASE}/app/#/sync`);
  await a.page.getByText("所有记录都已发送到系统").waitFor({ timeout: 90000 });
  await a.page.shot("synced");
  out.lost_answers = cut;
  return [];
}

const browser = await launch();
const pages = [];
try {
  const a = await phone(browser, `${mode}-inspector`);
  pages.push(a.page);
  await loginVia(a.page, `/inspections/${id}`, plan.inspector);
  await a.page.shot("deep-link-after-login");
  await a.page.getByRole("button", { name: "到场签到" }).click();
  await a.page.getByText("检查中", { exact: true }).first().waitFor();
  await a.page.shot("checked-in");
  if (mode === "offline") {
    // Let the service worker take the app's files before the signal goes.
    await a.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await a.page.reload();
    await a.page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 15000 });
  }
  pages.push(...await (mode === "offline" ? offline(browser, a) : online(browser, a)));
  out.problems = pages.flatMap((p) => p.problems);
  console.log(JSON.stringify(out));
} catch (error) {
  for (const p of pages) await p.shot("failure").catch(() => undefined);
  console.error(pages.flatMap((p) => p.problems).join("\n"));
  throw error;
} finally {
  await browser.close();
}
