// Who is logged in: the session's bearer token and GET /me (name, section, roles), kept in
// localStorage so the app opens without signal; and the screen a link named before login.
import { reactive } from "vue";
import type { components } from "../api/schema";

export type Me = components["schemas"]["StaffOut"];
export type Role = "admin" | "initiator" | "leader" | "inspector";

const TOKEN = "suiji.token";
const ME = "suiji.me";
const TARGET = "suiji.target";

function readMe(): Me | null {
  try {
    const raw = localStorage.getItem(ME);
    return raw ? (JSON.parse(raw) as Me) : null;
  } catch {
    return null;
  }
}

export const session = reactive({
  token: localStorage.getItem(TOKEN) as string | null,
  me: readMe(),
  /** Set when the server said the session is over (401): the next screen asks to log in. */
  expired: false,
});

export function roles(): Role[] {
  return (session.me?.roles ?? []) as Role[];
}

export function signIn(token: string, me: Me): void {
  localStorage.setItem(TOKEN, token);
  localStorage.setItem(ME, JSON.stringify(me));
  session.token = token;
  session.me = me;
  session.expired = false;
}

export function setMe(me: Me): void {
  localStorage.setItem(ME, JSON.stringify(me));
  session.me = me;
}

/** Log out on this phone. Records not yet sent stay, and go out at this person's next login. */
export function signOut(): void {
  localStorage.removeItem(TOKEN);
  session.token = null;
  session.expired = false;
}

export function expire(): void {
  if (!session.token) return;
  localStorage.removeItem(TOKEN);
  session.token = null;
  session.expired = true;
}

/** The screen to open after login (a deep link from a WeCom card or message). */
export function rememberTarget(path: string): void {
  if (path && path !== "/" && !path.startsWith("/login")) sessionStorage.setItem(TARGET, path);
}

export function takeTarget(): string | null {
  const path = sessionStorage.getItem(TARGET);
  sessionStorage.removeItem(TARGET);
  return path && path.startsWith("/") && !path.startsWith("//") ? path : null;
}
