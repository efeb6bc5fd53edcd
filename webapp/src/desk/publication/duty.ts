// Publication duties (R3, R13, R17) as the desk shows them.
export const DUTY_STATE: Record<string, string> = {
  pending: "待公示", overdue: "已逾期", published: "已公示", withheld: "不予公示",
};
export const DUTY_KIND: Record<string, string> = {
  item_list: "抽查事项清单", plan: "年度抽查计划", draw: "抽取记录", result: "抽查结果",
  penalty: "行政处罚决定", blacklist: "黑名单", report: "抽查报告", cancellation: "抽查任务取消公告",
  major_violation: "重大劳动保障违法行为社会公布",
};
export const DUTY_TAG: Record<string, "primary" | "danger" | "success" | "default"> = {
  pending: "primary", overdue: "danger", published: "success", withheld: "default",
};
/** Whether a duty still waits for a decision (publish, or withhold with a legal reason). */
export const open = (state: string): boolean => state === "pending" || state === "overdue";
