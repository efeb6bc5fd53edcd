// What index.html shows before the app's scripts arrive (benchmarks/README.md, "first usable
// screen"). On a weak signal the scripts and style sheets take several round trips; the page
// itself takes one. So index.html carries a small script (this file, inlined by
// build/boot.ts) and the data the first screen needs (inserted by the server, `suiji/webapp.py`:
// the demo staff members in development, nothing to list elsewhere), and draws the login screen
// at once: a newcomer can pick a demo user before the app has loaded. The login it makes is
// handed to the app (`window.suijiBoot.login`, taken in main.ts), which then replaces this screen.
import { devUserLabel, groupDevUsers, roleTitle } from "../auth/devusers";
import type { BootData } from "./data";

export interface LoginAnswer {
  token: string;
  staff: unknown;
}

export type FirstScreen = "opening" | "demo" | "wecom" | "elsewhere";

/** Which first screen to draw: the app opens itself for someone logged in, for the return from
 * WeCom's OAuth (a code in the address) and when the page carries no data (a development
 * server, an old build). */
export function firstScreen(data: BootData | null, state: { token: string | null; search: string;
  userAgent: string }): FirstScreen {
  if (state.token || new URLSearchParams(state.search).has("code") || !data) return "opening";
  if (data.dev_users && data.dev_users.length) return "demo";
  return /wxwork/i.test(state.userAgent) ? "wecom" : "elsewhere";
}

/** POST /auth/dev-login, as the app's client does it; a refusal's Chinese detail as the error. */
export async function devLogin(userid: string): Promise<LoginAnswer> {
  let resp: Response;
  try {
    resp = await fetch("/api/v1/auth/dev-login", { method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ userid }) });
  } catch {
    throw new Error("网络不可用，请稍后重试");
  }
  const body = await resp.json().catch(() => null) as { detail?: string } | null;
  if (!resp.ok) throw new Error(body?.detail ?? `登录失败（${resp.status}）`);
  return body as unknown as LoginAnswer;
}

function el(doc: Document, tag: string, className: string, text?: string): HTMLElement {
  const node = doc.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text; // names come from the rosters: text, never HTML
  return node;
}

/** Draw the first screen into `root` (the app's mount point, which the app empties when it
 * mounts). Returns what was drawn. */
export function draw(doc: Document, root: HTMLElement, data: BootData | null,
  login: (userid: string) => Promise<LoginAnswer> = devLogin): FirstScreen {
  const kind = firstScreen(data, { token: localStorage.getItem("suiji.token"),
    search: location.search, userAgent: navigator.userAgent });
  const page = el(doc, "div", "suiji-boot");
  const header = el(doc, "header", "");
  header.append(el(doc, "h1", "", "随机抽查"), el(doc, "p", "", "“双随机、一公开”劳动保障监察"));
  page.append(header);
  if (kind === "opening" || kind === "wecom") {
    page.append(el(doc, "div", "suiji-wait", kind === "wecom" ? "正在通过企业微信登录…" : "正在打开…"));
  } else if (kind === "elsewhere") {
    page.append(el(doc, "div", "suiji-card",
      "请在企业微信的“工作台”中打开“随机抽查”应用，或点击企业微信消息中的链接。"));
  } else {
    const note = el(doc, "div", "suiji-note");
    page.append(el(doc, "div", "suiji-title", "选择演示用户（仅开发环境）"), note);
    let busy = false;
    for (const group of groupDevUsers(data?.dev_users ?? [])) {
      page.append(el(doc, "div", "suiji-group", roleTitle(group.role)));
      const list = el(doc, "div", "suiji-list");
      for (const user of group.users) {
        const row = el(doc, "button", "suiji-user");
        (row as HTMLButtonElement).type = "button";
        const state = el(doc, "span", "suiji-state", "›");
        row.append(el(doc, "span", "suiji-name", user.name), state,
          el(doc, "span", "suiji-label", devUserLabel(user)));
        row.addEventListener("click", () => {
          if (busy) return;
          busy = true;
          note.textContent = "";
          state.textContent = "正在登录…";
          const pending = login(user.userid);
          window.suijiBoot = { login: pending };
          pending.then(() => { state.textContent = "正在打开…"; }, (error: unknown) => {
            busy = false;
            window.suijiBoot = {};
            state.textContent = "›";
            note.textContent = error instanceof Error ? error.message : "登录失败，请重试";
          });
        });
        list.append(row);
      }
      page.append(list);
    }
  }
  root.replaceChildren(page);
  return kind;
}

declare global {
  interface Window {
    suijiBoot?: { login?: Promise<LoginAnswer> };
  }
}
