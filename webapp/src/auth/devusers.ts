// The demo staff members of the development login, grouped by their first role in the order the
// login screen shows them. Shared by the login screen and the first screen drawn by
// index.html's boot script (src/boot/), so both list the same people the same way.
import { ROLE } from "../domain/labels";

export interface DevUserLike {
  userid: string;
  name: string;
  section: string;
  roles: string[];
}

const ORDER = ["inspector", "leader", "initiator", "admin"];

export function groupDevUsers<U extends DevUserLike>(users: U[]): Array<{ role: string; users: U[] }> {
  const out: Array<{ role: string; users: U[] }> = [];
  for (const role of ORDER) {
    const list = users.filter((u) => u.roles[0] === role || (!ORDER.includes(u.roles[0]) && role === "admin"));
    if (list.length) out.push({ role, users: list });
  }
  return out;
}

/** "人社执法一科 · 执法检查人员、组长" under a demo user's name. */
export function devUserLabel(user: DevUserLike): string {
  return `${user.section} · ${user.roles.map((r) => ROLE[r] ?? r).join("、")}`;
}

export function roleTitle(role: string): string {
  return ROLE[role] ?? role;
}
