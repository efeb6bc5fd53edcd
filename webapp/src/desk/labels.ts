// The desk's words for the API's codes (draws, grades). A campaign's state comes with its label
// from the API (`state_label`, the server's one table).
export const DRAW_KIND: Record<string, string> = { employers: "用人单位", inspectors: "执法检查人员" };
export const DRAW_STATUS: Record<string, string> = {
  committed: "已承诺，待揭示", revealed: "已揭示", voided: "已作废",
};
export const GRADE: Record<string, string> = { A: "A级", B: "B级", C: "C级", none: "未评级" };
export const ASSESSMENT_STATUS: Record<string, string> = {
  proposed: "待审核", confirmed: "已确认", rejected: "已退回",
};

/** A long hex value in groups of eight, so that people in the room can read it out and compare. */
export function grouped(hex: string | null | undefined): string {
  return (hex ?? "").replace(/(.{8})(?=.)/g, "$1 ");
}

/** Strata of a draw as the record keys them, in the bureau's words. */
export const STRATUM: Record<string, string> = {
  A: "A级", B: "B级", C: "C级", ungraded: "未评级", blacklist: "黑名单",
  inspectors: "执法检查人员",
};
export const stratumLabel = (key: string): string => STRATUM[key] ?? key;
