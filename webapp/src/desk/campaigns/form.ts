// The campaign form (新建抽查任务, R14): the sections' words for the implementation plan, turned
// into the API's campaign body and sampling rules (docs/sampling.md) and back, the checks the
// form makes before asking the server, and where each refusal is shown (step and field).
// The server decides: the same checks run there and its refusals are shown the same way.
import type { ProblemField } from "../../api/client";

export const STRATA = ["A", "B", "C", "ungraded", "blacklist"] as const;
export type StratumKey = (typeof STRATA)[number];
export type StratumMode = "off" | "ratio" | "count" | "all";

export interface StratumForm {
  mode: StratumMode;
  percent: number | null; // ratio in per cent, as the bureau states it (3 %)
  count: number | null;
  minInterval: number | null; // days
  maxPerYear: number | null; // null: no limit
}

export interface ExclusionForm { uscc: string; name: string; reason: string }

export interface CampaignForm {
  code: string;
  title: string;
  purpose: string;
  method: string;
  useOfResults: string;
  items: number[];
  strata: Record<StratumKey, StratumForm>;
  townships: string;
  industries: string;
  headcountMin: number | null;
  headcountMax: number | null;
  categoryMode: "any" | "items" | "chosen";
  categories: string[];
  exclusions: ExclusionForm[];
  sections: number[];
  inspectorsPerEmployer: number | null;
  inspectorsNeeded: number | null;
  fieldStart: string;
  fieldEnd: string;
  confidential: boolean;
  confidentialityNote: string;
  replyHours: number | null;
  leaderId: number | null;
}

// docs/sampling.md's defaults (R11, R12, R23).
const DEFAULTS: Record<StratumKey, StratumForm> = {
  A: { mode: "ratio", percent: 3, count: null, minInterval: 365, maxPerYear: 1 },
  B: { mode: "ratio", percent: 5, count: null, minInterval: 180, maxPerYear: 2 },
  C: { mode: "ratio", percent: 15, count: null, minInterval: 90, maxPerYear: 4 },
  ungraded: { mode: "ratio", percent: 5, count: null, minInterval: 180, maxPerYear: 2 },
  blacklist: { mode: "all", percent: null, count: null, minInterval: 0, maxPerYear: null },
};

export function emptyForm(today: string): CampaignForm {
  return {
    code: "", title: "", purpose: "", method: "现场检查", useOfResults: "", items: [],
    strata: Object.fromEntries(STRATA.map((s) => [s, { ...DEFAULTS[s] }])) as Record<StratumKey, StratumForm>,
    townships: "", industries: "", headcountMin: null, headcountMax: null,
    categoryMode: "any", categories: [], exclusions: [], sections: [],
    inspectorsPerEmployer: 2, inspectorsNeeded: 4, fieldStart: today, fieldEnd: today,
    confidential: false, confidentialityNote: "", replyHours: 24, leaderId: null,
  };
}

/** 龙桥街道、敦仁街道 (or commas, spaces, new lines) → the list. */
export function splitList(text: string): string[] {
  return [...new Set(text.split(/[、,，;；\s]+/).map((s) => s.trim()).filter(Boolean))];
}

// Round to avoid 0.15000000000000002 for 15 %.
const ratioOf = (percent: number): number => Math.round(percent * 1e6) / 1e8;

export type Rules = Record<string, unknown>;

export function toRules(f: CampaignForm): Rules {
  const strata: Record<string, unknown> = {};
  const minInterval: Record<string, number> = {};
  const maxPerYear: Record<string, number | null> = {};
  for (const key of STRATA) {
    const s = f.strata[key];
    if (s.mode === "ratio") strata[key] = { ratio: ratioOf(s.percent ?? 0) };
    else if (s.mode === "count") strata[key] = { count: s.count ?? 0 };
    else if (s.mode === "all") strata[key] = { all: true };
    minInterval[key] = s.minInterval ?? 0;
    maxPerYear[key] = s.maxPerYear;
  }
  const filters: Record<string, unknown> = {};
  const townships = splitList(f.townships);
  const industries = splitList(f.industries);
  if (townships.length) filters.townships = townships;
  if (industries.length) filters.industries = industries;
  if (f.headcountMin !== null) filters.headcount_min = f.headcountMin;
  if (f.headcountMax !== null) filters.headcount_max = f.headcountMax;
  if (f.categoryMode === "items") filters.item_categories = true;
  if (f.categoryMode === "chosen" && f.categories.length) filters.categories = [...f.categories];
  return {
    strata, filters, min_interval_days: minInterval, max_per_year: maxPerYear,
    exclusions: f.exclusions.map((x) => ({ uscc: x.uscc, reason: x.reason.trim() })),
  };
}

function num(value: unknown): number | null {
  return typeof value === "number" ? value : null;
}

/** A saved campaign's rules back into the form; what they leave out takes the defaults. */
export function fromRules(f: CampaignForm, rules: Rules, names: Record<string, string> = {}): void {
  const strata = (rules.strata ?? null) as Record<string, Record<string, unknown>> | null;
  const minInterval = (rules.min_interval_days ?? {}) as Record<string, number>;
  const maxPerYear = (rules.max_per_year ?? {}) as Record<string, number | null>;
  for (const key of STRATA) {
    const s: StratumForm = { ...DEFAULTS[key] };
    if (strata) {
      const spec = strata[key];
      if (!spec) s.mode = "off";
      else if ("ratio" in spec) { s.mode = "ratio"; s.percent = Math.round(Number(spec.ratio) * 1e6) / 1e4; }
      else if ("count" in spec) { s.mode = "count"; s.count = num(spec.count); }
      else s.mode = "all";
    }
    if (key in minInterval) s.minInterval = minInterval[key];
    if (key in maxPerYear) s.maxPerYear = maxPerYear[key];
    f.strata[key] = s;
  }
  const filters = (rules.filters ?? {}) as Record<string, unknown>;
  f.townships = ((filters.townships as string[] | undefined) ?? []).join("、");
  f.industries = ((filters.industries as string[] | undefined) ?? []).join("、");
  f.headcountMin = num(filters.headcount_min);
  f.headcountMax = num(filters.headcount_max);
  f.categories = [...((filters.categories as string[] | undefined) ?? [])];
  f.categoryMode = filters.item_categories ? "items" : f.categories.length ? "chosen" : "any";
  f.exclusions = ((rules.exclusions ?? []) as Array<{ uscc: string; reason: string }>).map((x) => ({
    uscc: x.uscc, reason: x.reason, name: names[x.uscc] ?? "",
  }));
}

/** The body of POST /campaigns or PATCH /campaigns/{id}. */
export function toBody(f: CampaignForm, employersNeeded: number | null) {
  return {
    title: f.title.trim(), purpose: f.purpose.trim(), method: f.method.trim(),
    use_of_results: f.useOfResults.trim(), item_version_ids: [...f.items],
    rules: toRules(f), inspector_section_ids: [...f.sections],
    inspectors_per_employer: f.inspectorsPerEmployer,
    inspectors_needed: f.inspectorsNeeded,
    employers_needed: employersNeeded,
    field_start: f.fieldStart, field_end: f.fieldEnd, confidential: f.confidential,
    confidentiality_note: f.confidential ? f.confidentialityNote.trim() : "",
    reply_hours: f.replyHours, leader_id: f.leaderId,
  };
}

const isWhole = (n: number | null): n is number => n !== null && Number.isInteger(n);

/** What the form can tell before asking the server, in the server's field names. */
export function localProblems(f: CampaignForm, { saving }: { saving: boolean }): ProblemField[] {
  const out: ProblemField[] = [];
  const add = (field: string, message: string) => out.push({ field, message });
  if (saving) {
    if (!/^[0-9A-Za-z][0-9A-Za-z-]{2,31}$/.test(f.code.trim())) add("code", "任务编号须为 3 至 32 位字母、数字或连字符，如 2026-JC-012");
    if (!f.title.trim()) add("title", "请填写任务名称");
  }
  if (!STRATA.some((k) => f.strata[k].mode !== "off")) add("rules.strata", "至少抽取一个分层");
  for (const k of STRATA) {
    const s = f.strata[k];
    if (s.mode === "ratio" && !(s.percent !== null && s.percent > 0 && s.percent <= 100)) add(`rules.strata.${k}`, "抽取比例须大于 0% 且不超过 100%");
    if (s.mode === "count" && !(isWhole(s.count) && s.count >= 0)) add(`rules.strata.${k}`, "抽取数量须为非负整数");
    if (!(isWhole(s.minInterval) && s.minInterval >= 0 && s.minInterval <= 3660)) add(`rules.min_interval_days.${k}`, "间隔天数须为 0 至 3660 的整数");
    if (s.maxPerYear !== null && !(isWhole(s.maxPerYear) && s.maxPerYear >= 1 && s.maxPerYear <= 3660)) add(`rules.max_per_year.${k}`, "每年次数须为正整数，或留空表示不限");
  }
  if (f.headcountMin !== null && !(isWhole(f.headcountMin) && f.headcountMin >= 0)) add("rules.filters.headcount_min", "职工人数须为非负整数");
  if (f.headcountMax !== null && !(isWhole(f.headcountMax) && f.headcountMax >= 0)) add("rules.filters.headcount_max", "职工人数须为非负整数");
  if (f.categoryMode === "chosen" && !f.categories.length) add("rules.filters.categories", "请选择单位类别，或改为不限");
  f.exclusions.forEach((x, i) => {
    if (!x.reason.trim()) add(`rules.exclusions.${i}.reason`, "请写明不列入的理由");
  });
  if (!f.fieldStart) add("field_start", "请选择检查开始日期");
  if (!f.fieldEnd) add("field_end", "请选择检查结束日期");
  else if (f.fieldStart && f.fieldEnd < f.fieldStart) add("field_end", "检查结束日期不能早于开始日期");
  return out;
}

/** The wizard's steps, and which step shows a field's refusal. */
export const STEPS = ["任务与目的", "抽查事项", "抽取规则", "检查人员", "检查期间与保密", "组长与提交"] as const;

export function stepOf(field: string): number {
  if (field === "item_version_ids" || field === "抽查事项") return 1;
  if (field.startsWith("rules")) return 2;
  if (["inspector_section_ids", "inspectors_needed", "inspectors_per_employer"].includes(field)) return 3;
  if (["field_start", "field_end", "confidential", "confidentiality_note", "reply_hours"].includes(field)) return 4;
  if (field === "leader_id") return 5;
  return 0;
}

/** Refusals by field (the first message of each), for showing each beside its field. */
export function byField(problems: ProblemField[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of problems) {
    const field = p.field || "";
    if (!(field in out)) out[field] = p.message;
  }
  return out;
}

/** Calls `fn` once `ms` after the last of a burst of calls (the live count as rules are typed). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => { timer = undefined; fn(...args); }, ms);
  };
  call.cancel = () => { if (timer !== undefined) clearTimeout(timer); timer = undefined; };
  return call;
}

/** Keeps only the answer to the latest request: an older answer arriving late is dropped. */
export function latestOnly<T>() {
  let issued = 0;
  return async (request: () => Promise<T>): Promise<{ fresh: boolean; value?: T }> => {
    const mine = ++issued;
    try {
      const value = await request();
      return mine === issued ? { fresh: true, value } : { fresh: false };
    } catch (error) {
      if (mine === issued) throw error;
      return { fresh: false };
    }
  };
}
