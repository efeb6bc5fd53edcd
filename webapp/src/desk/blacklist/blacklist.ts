// The blacklist's steps as the desk guides them (人社部令第45号): 事先告知 → 陈述、申辩 (five working
// days, counted by the server with the holiday schedule) → 列入决定 or 不予列入 → 移出 (at the end
// of the three-year term, or early by 信用修复). The deadlines come from the server; the forms'
// checks here say sooner, in the same words, what the server would refuse.
import type { Schemas } from "../../api";

export type Entry = Schemas["BlacklistOut"];

export const STATUS: Record<string, string> = {
  noticed: "已告知，陈述申辩中", in_force: "已列入名单", removed: "已提前移出", expired: "期满移出", withdrawn: "不予列入",
};
export const DEFAULT_BASIS = "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条";

function parse(day: string): [number, number, number] {
  const [y, m, d] = day.split("-").map(Number);
  return [y, m, d];
}
const pad = (n: number): string => String(n).padStart(2, "0");

/** `months` later on the corresponding day, or the month's last day when it has none
 * (《民法典》第二百零二条): 2024-08-31 + 6 months = 2025-02-28. */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = parse(day);
  const index = m - 1 + months;
  const year = y + Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(Math.min(d, last))}`;
}

/** The first day an early removal may be decided: six months on the list from the day the
 * arrears were paid, or from the listing when they were paid before it. */
export function earliestRemoval(arrearsPaidOn: string, decidedOn: string): string {
  return addMonths(arrearsPaidOn > decidedOn ? arrearsPaidOn : decidedOn, 6);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [a, b] = [from, to].map((s) => { const [y, m, d] = parse(s); return Date.UTC(y, m - 1, d); });
  return Math.round((b - a) / 86_400_000);
}

export const cn = (day: string | null | undefined): string => {
  if (!day) return "";
  const [y, m, d] = parse(day);
  return `${y}年${m}月${d}日`;
};

export type StepState = "done" | "current" | "waiting" | "skipped";
export interface Step { key: "notice" | "hearing" | "decision" | "removal"; title: string; state: StepState; said: string; deadline: string }

/** The four steps of a case, each with what happened and the legal deadline that applies. */
export function steps(e: Entry | null, today: string): Step[] {
  if (!e) {
    return [
      { key: "notice", title: "事先告知", state: "current", said: "向用人单位送达列入名单事先告知书", deadline: "" },
      { key: "hearing", title: "陈述、申辩", state: "waiting", said: "告知书送达后 5 个工作日内，当事人可以陈述、申辩", deadline: "" },
      { key: "decision", title: "列入决定", state: "waiting", said: "期满后作出列入或不予列入的决定", deadline: "" },
      { key: "removal", title: "移出名单", state: "waiting", said: "列入期限 3 年，期满移出；符合条件的可提前移出", deadline: "" },
    ];
  }
  const open = e.status === "noticed";
  const hearingOver = !!e.hearing_until && today > e.hearing_until;
  const left = e.hearing_until ? daysBetween(today, e.hearing_until) : 0;
  const hearing: Step = { key: "hearing", title: "陈述、申辩", state: open && !hearingOver ? "current" : "done",
    said: open && !hearingOver ? `期内，还有 ${left + 1} 天（含今天）` : "期限已届满",
    deadline: `期限至 ${cn(e.hearing_until)}${e.hearing_until_provisional ? "（按周一至周五推算，暂定）" : ""}` };
  const decision: Step = { key: "decision", title: "列入决定", state: open ? (hearingOver ? "current" : "waiting") : "done",
    said: e.status === "withdrawn" ? `${cn(e.decided_on)} 决定不予列入` : e.decided_on ? `${cn(e.decided_on)} 决定列入` : "陈述、申辩期届满后作出",
    deadline: open ? `${cn(e.decide_from)}起方可作出决定` : "" };
  let removal: Step;
  if (e.status === "withdrawn") removal = { key: "removal", title: "移出名单", state: "skipped", said: "不予列入，无须移出", deadline: "" };
  else if (e.status === "in_force") {
    removal = { key: "removal", title: "移出名单", state: "current",
      said: `列入期限至 ${cn(e.term_end)}，期满自动移出`,
      deadline: `拖欠工资付清并作出书面信用承诺的，自付清之日起满 6 个月可提前移出（列入前已付清的，最早 ${cn(e.earliest_removal)}）` };
  } else if (e.status === "removed") removal = { key: "removal", title: "移出名单", state: "done", said: `${cn(e.removed_on)} 提前移出（信用修复）`, deadline: "" };
  else if (e.status === "expired") removal = { key: "removal", title: "移出名单", state: "done", said: `${cn(e.term_end)} 期满移出`, deadline: "" };
  else removal = { key: "removal", title: "移出名单", state: "waiting", said: "列入后期限 3 年，期满移出", deadline: "" };
  return [
    { key: "notice", title: "事先告知", state: "done", said: `${cn(e.noticed_on)} 送达告知书`, deadline: "" },
    hearing, decision, removal,
  ];
}

type Wrong = Record<string, string>;
const MAX = 2000;
function text(wrong: Wrong, field: string, value: string, required = true): void {
  if (required && !value.trim()) wrong[field] = "必须填写";
  else if (value.trim().length > MAX) wrong[field] = `不能超过 ${MAX} 字`;
}

export interface NoticeForm { cause: string; basis: string; noticed_on: string; legal_rep: string }
export function checkNotice(f: NoticeForm, today: string): Wrong {
  const wrong: Wrong = {};
  text(wrong, "cause", f.cause);
  text(wrong, "basis", f.basis);
  if (!f.legal_rep.trim()) wrong.legal_rep = "必须填写";
  else if (f.legal_rep.trim().length > 64) wrong.legal_rep = "不能超过 64 字";
  if (!f.noticed_on) wrong.noticed_on = "必须填写";
  else if (f.noticed_on > today) wrong.noticed_on = "告知书送达日期不能晚于今天";
  return wrong;
}

export interface DecisionForm { listed: boolean; decided_on: string; reason: string }
export function checkDecision(f: DecisionForm, e: Entry, today: string): Wrong {
  const wrong: Wrong = {};
  text(wrong, "reason", f.reason, !f.listed);
  if (!f.decided_on) wrong.decided_on = "必须填写";
  else if (f.decided_on > today) wrong.decided_on = "决定日期不能晚于今天";
  else if (e.hearing_until && f.decided_on <= e.hearing_until) {
    wrong.decided_on = `陈述、申辩期至 ${cn(e.hearing_until)}届满，${cn(e.decide_from)}起方可作出决定`;
  }
  return wrong;
}

export interface RemovalForm { arrears_paid_on: string; pledge: string; pledged_on: string; removed_on: string; note: string }
export function checkRemoval(f: RemovalForm, e: Entry, today: string): Wrong {
  const wrong: Wrong = {};
  text(wrong, "pledge", f.pledge);
  text(wrong, "note", f.note, false);
  if (!f.arrears_paid_on) wrong.arrears_paid_on = "必须填写";
  else if (f.arrears_paid_on > today || (e.noticed_on && f.arrears_paid_on < e.noticed_on)) {
    wrong.arrears_paid_on = "拖欠工资付清日期须在事先告知之后、不晚于今天";
  }
  const pledged = f.pledged_on || f.removed_on;
  if (pledged && f.arrears_paid_on && (pledged < f.arrears_paid_on || pledged > today)) {
    wrong.pledged_on = "信用承诺日期须在工资付清之后、不晚于今天";
  }
  if (!f.removed_on) wrong.removed_on = "必须填写";
  else if (f.removed_on > today) wrong.removed_on = "移出日期不能晚于今天";
  else if (f.arrears_paid_on && e.decided_on && !wrong.arrears_paid_on) {
    const earliest = earliestRemoval(f.arrears_paid_on, e.decided_on);
    if (f.removed_on < earliest) wrong.removed_on = `自拖欠工资付清之日起在名单上未满 6 个月，最早可于 ${cn(earliest)}提前移出`;
  }
  return wrong;
}
