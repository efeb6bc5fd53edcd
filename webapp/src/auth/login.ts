// Logging in. Inside WeCom: OAuth (snsapi_base) — the app sends the phone to WeCom's authorize
// page, WeCom returns to /app/?code=…&state=…, the server exchanges the code for the userid and
// answers like the mini-program's login. In development only: pick a demo staff member.
import { api, ApiError, type Schemas } from "../api";
import { readBootData } from "../boot/data";
import { rememberTarget, signIn, takeTarget } from "./session";

export type DevUser = Schemas["DevUser"];
type LoginOut = Schemas["LoginOut"];

const STATE = "suiji.oauth-state";
let usedCarried = false;

export function inWeCom(userAgent = navigator.userAgent): boolean {
  return /wxwork/i.test(userAgent);
}

/** The demo staff members, or null where development login does not exist (404). The page
 * carries the answer the first time (suiji/webapp.py), which saves a round trip. */
export async function devUsers(): Promise<DevUser[] | null> {
  const carried = readBootData();
  if (carried && !usedCarried) {
    usedCarried = true; // "重试" and later visits of the screen ask the server
    return carried.dev_users as DevUser[] | null;
  }
  try {
    return (await api.get("/auth/dev-users", {})).items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function done(answer: LoginOut): void {
  signIn(answer.token, answer.staff);
}

export async function devLogin(userid: string): Promise<void> {
  done(await api.post("/auth/dev-login", { body: { userid } }));
}

/** Off to WeCom's authorize page; it comes back to /app/ with a code. */
export async function startWeComLogin(next: string): Promise<void> {
  const state = Array.from(crypto.getRandomValues(new Uint8Array(12)),
    (b) => b.toString(16).padStart(2, "0")).join("");
  sessionStorage.setItem(STATE, state);
  rememberTarget(next);
  const { url } = await api.get("/auth/wecom-oauth", { query: { state } });
  window.location.assign(url);
}

/** On return from WeCom: log in with the code (once), and tidy the address bar. Returns the
 * screen to open, or null when the address carried no code. */
export async function finishWeComLogin(location: Location = window.location): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  if (!code) return null;
  const expected = sessionStorage.getItem(STATE);
  sessionStorage.removeItem(STATE);
  window.history.replaceState(null, "", location.pathname + location.hash);
  if (!expected || params.get("state") !== expected) {
    throw new ApiError(400, "bad_state", "登录链接已失效，请从企业微信工作台重新打开应用");
  }
  done(await api.post("/auth/wecom-oauth", { body: { code } }));
  return takeTarget() ?? "/";
}
