// The bureau's words for the API's codes.
export const INSPECTION_STATE: Record<string, string> = {
  planned: "待组队", assigned: "待检查", checked_in: "检查中", submitted: "已提交",
  rectifying: "整改中", closed: "已办结",
};
export const FINDING_RESULT: Record<string, string> = {
  compliant: "符合", noncompliant: "不符合", not_applicable: "不适用",
};
export const ORDER_STATE: Record<string, string> = {
  open: "整改中", rectified: "已整改", escalated: "已转立案", cancelled: "已撤销",
};
export const FOLLOW_UP_RESULT: Record<string, string> = {
  rectified: "已整改", partial: "部分整改", not_rectified: "未整改",
};
export const NOTICE_KIND: Record<string, string> = {
  inspection: "检查通知书", rectification: "限期改正指令书", review: "整改复查意见书",
  result: "检查结果告知书",
};
export const NOTICE_STATUS: Record<string, string> = {
  issued: "有效", revoked: "已撤销", superseded: "已更正",
};
export const PROCEDURE: Record<string, string> = { general: "一般程序", simple: "简易程序" };
export const ROLE: Record<string, string> = {
  admin: "政策法规科", initiator: "发起科室", leader: "组长", inspector: "执法检查人员",
};

export function tagType(state: string): "primary" | "success" | "warning" | "danger" | "default" {
  if (["closed", "rectified", "compliant", "accepted"].includes(state)) return "success";
  if (["checked_in", "assigned", "called"].includes(state)) return "primary";
  if (["rectifying", "open", "submitted"].includes(state)) return "warning";
  if (["noncompliant", "escalated", "revoked"].includes(state)) return "danger";
  return "default";
}
