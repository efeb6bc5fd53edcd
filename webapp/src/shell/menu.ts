// The menu by role. The phone shows entries marked `tab` in the bottom bar; the desk (≥ 1280 px)
// shows every entry the person's roles allow in the side menu, grouped. A desk screen is added
// by a route in router/routes.ts and an entry here with group "desk".
import type { Role } from "../auth/session";

export interface MenuEntry {
  path: string;
  title: string;
  icon: string; // a Vant icon name
  roles?: Role[]; // any of these; none: everyone
  tab?: boolean; // in the phone's bottom bar
  group: "field" | "desk";
}

export const MENU: MenuEntry[] = [
  { path: "/", title: "工作台", icon: "wap-home-o", tab: true, group: "field" },
  { path: "/callups", title: "召集", icon: "bullhorn-o", roles: ["inspector"], tab: true, group: "field" },
  { path: "/inspections", title: "检查", icon: "todo-list-o", roles: ["inspector"], tab: true, group: "field" },
  { path: "/campaigns", title: "抽查任务", icon: "cluster-o", roles: ["leader", "initiator"], tab: true, group: "field" },
  { path: "/desk/rosters", title: "名录导入", icon: "description-o", roles: ["admin"], group: "desk" },
  { path: "/desk/items", title: "抽查事项清单", icon: "notes-o", roles: ["admin"], group: "desk" },
  { path: "/desk/conflicts", title: "回避登记", icon: "stop-circle-o", roles: ["admin"], group: "desk" },
  { path: "/desk/certificates", title: "执法证到期", icon: "idcard", roles: ["admin"], group: "desk" },
  { path: "/desk/calendar", title: "工作日调整", icon: "calendar-o", roles: ["admin"], group: "desk" },
  { path: "/desk/reviews", title: "复核与审批", icon: "passed", roles: ["admin"], group: "desk" },
  { path: "/desk/grades", title: "等级评价审核", icon: "medal-o", roles: ["admin"], group: "desk" },
  { path: "/desk/plans", title: "年度抽查计划", icon: "calendar-o", roles: ["initiator"], group: "desk" },
  { path: "/desk/campaigns", title: "实施方案", icon: "records-o", roles: ["initiator"], group: "desk" },
  { path: "/desk/draws", title: "随机抽取", icon: "aim", roles: ["initiator"], group: "desk" },
  { path: "/desk/reports", title: "抽查工作报告", icon: "newspaper-o", roles: ["initiator"], group: "desk" },
  { path: "/desk/blacklist", title: "失信名单", icon: "warning-o", roles: ["initiator", "admin"], group: "desk" },
  { path: "/publication", title: "公示任务", icon: "volume-o", roles: ["admin", "initiator"], group: "desk" },
  { path: "/desk/statistics", title: "统计", icon: "bar-chart-o", roles: ["admin", "initiator", "leader"], group: "desk" },
  { path: "/desk/audit", title: "审计记录", icon: "shield-o", roles: ["admin"], group: "desk" },
  { path: "/sync", title: "待同步", icon: "exchange", group: "field" },
  { path: "/me", title: "我的", icon: "user-o", tab: true, group: "field" },
];

export const GROUP_TITLES: Record<MenuEntry["group"], string> = { field: "现场检查", desk: "科室业务" };

export function menuFor(roles: Role[], where: "tab" | "side"): MenuEntry[] {
  return MENU.filter((e) => (!e.roles || e.roles.some((r) => roles.includes(r)))
    && (where === "side" || e.tab));
}

/** The menu entry a screen belongs to (the longest matching prefix). */
export function activeEntry(path: string, entries: MenuEntry[]): MenuEntry | undefined {
  return entries
    .filter((e) => (e.path === "/" ? path === "/" : path === e.path || path.startsWith(`${e.path}/`)))
    .sort((a, b) => b.path.length - a.path.length)[0];
}
