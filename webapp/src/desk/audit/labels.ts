// The audit trail's codes in the bureau's words (the codes stay visible beside them: they are
// what the chain hashes).
export const OBJECT_TYPE: Record<string, string> = {
  employer: "用人单位", staff: "人员", section: "科室", conflict: "回避关系", item: "抽查事项",
  item_version: "事项版本", annual_plan: "年度计划", campaign: "抽查任务", draw: "抽取", callup: "召集",
  inspection: "检查", finding: "检查结果", evidence: "证据", rectification_order: "限期改正指令",
  notice: "文书", penalty_decision: "处罚决定", publication: "公示", campaign_report: "抽查报告",
  grade_assessment: "等级评价", grade_change: "等级变更", credit_event: "诚信档案事实",
  blacklist_entry: "黑名单", major_violation: "重大违法行为", calendar_override: "工作日调整",
};

const VERB: Record<string, string> = {
  create: "新增", update: "修改", edit: "修改", declare: "登记", delete: "撤销", publish: "公布",
  withdraw: "撤回", amend: "修订", submit: "提交", approve: "批准", commit: "承诺", reveal: "揭示",
  void: "作废", confirm: "确认", reject: "退回", propose: "拟评", repropose: "重新拟评", change: "变更",
  record: "记录", issue: "下达", issued: "签发", revoked: "撤销", superseded: "更正", assign: "分配",
  check_in: "签到", close: "办结", published: "公示", withheld: "不予公示", notice: "事先告知",
  list: "列入", remove: "移出", generate: "生成", chase: "催办", extend: "延期", replace: "递补",
};

/** "grade.confirm" → "等级评价 确认"-like words where known; the code otherwise. */
export function actionLabel(action: string): string {
  const [head, ...rest] = action.split(".");
  const verb = VERB[rest[rest.length - 1] ?? ""];
  const thing = OBJECT_TYPE[head] ?? { grade: "等级", rectification: "限期改正", report: "报告", plan: "计划" }[head];
  return verb && thing ? `${thing}${verb}` : action;
}

export function shown(value: unknown): string {
  if (value === null || value === undefined || value === "") return "（空）";
  if (typeof value === "boolean") return value ? "是" : "否";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return text.length > 160 ? `${text.slice(0, 159)}…` : text;
}

/** The fields a change touched, before → after (a creation: its values; a deletion: what was);
 * a field recorded on both sides with the same value did not change and is left out. */
export function changes(before: unknown, after: unknown): Array<{ field: string; before?: string; after?: string }> {
  const b = (before && typeof before === "object" ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === "object" ? after : {}) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const same = (f: string) => f in b && f in a && JSON.stringify(b[f]) === JSON.stringify(a[f]);
  return fields.filter((f) => !same(f)).map((field) => ({
    field,
    before: field in b ? shown(b[field]) : undefined,
    after: field in a ? shown(a[field]) : undefined,
  }));
}
