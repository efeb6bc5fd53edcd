// The desk's words for the API's codes (campaigns, draws, grades).
export const CAMPAIGN_STATE: Record<string, string> = {
  draft: "草稿", approved: "已批准", drawn: "已抽取", calling_up: "召集中", in_field: "检查中",
  reporting: "报告中", closed: "已结束", cancelled: "已取消",
};
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
