// Who may open which screen. Pure, so it is tested without a browser: no session → the login
// screen, carrying the screen asked for (a deep link survives the login); a screen for other
// roles → home. The server still checks everything; this only keeps menus and screens honest.
import type { Role } from "../auth/session";

export interface RouteInfo {
  fullPath: string;
  path: string;
  meta: { public?: boolean; roles?: Role[] };
}

export interface SessionInfo {
  token: string | null;
  roles: Role[];
}

export type Decision = true | { path: string; query?: Record<string, string> };

export function decide(to: RouteInfo, state: SessionInfo): Decision {
  if (to.meta.public) {
    // A logged-in user who opens the login screen goes where they were headed.
    if (state.token && to.path === "/login") return { path: "/" };
    return true;
  }
  if (!state.token) {
    return to.fullPath === "/" ? { path: "/login" } : { path: "/login", query: { redirect: to.fullPath } };
  }
  const needed = to.meta.roles;
  if (needed && needed.length && !needed.some((r) => state.roles.includes(r))) {
    return { path: "/", query: { denied: to.path } };
  }
  return true;
}

/** The screen to open after login: the one the link named, if it is a path inside the app. */
export function afterLogin(redirect: unknown, remembered: string | null): string {
  const pick = typeof redirect === "string" && redirect ? redirect : remembered;
  return pick && pick.startsWith("/") && !pick.startsWith("//") && !pick.startsWith("/login") ? pick : "/";
}
