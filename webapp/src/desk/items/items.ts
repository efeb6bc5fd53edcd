// The item list's rules as the desk shows them (R7): which version is in force, what an item's
// state is, and the checks a form makes before it is sent (the server checks them again; these
// only say it sooner, in the same words).
import type { Schemas } from "../../api";

export type Item = Schemas["ItemEntry"];
export type Version = Schemas["ItemVersionOut"];

export const VERSION_STATUS: Record<string, string> = {
  draft: "草稿", published: "已公布", superseded: "已被新版本取代", withdrawn: "已撤销",
};

export const FIELD_LABELS: Record<string, string> = {
  code: "事项编码", name: "事项名称", basis: "检查依据", subject: "检查主体", content: "检查内容",
  method: "检查方式", categories: "适用单位类别", reason: "调整理由", effective_from: "生效日期",
};
const CONTENT = ["name", "basis", "subject", "content", "method"] as const;
const LIMITS: Record<string, number> = { name: 200, subject: 200, method: 200, basis: 4000, content: 4000, reason: 200 };

/** The published version in force on `today` (the newest whose effective date has come). */
export function inForce(item: Item, today: string): Version | undefined {
  return item.versions
    .filter((v) => v.status !== "draft" && v.status !== "withdrawn" && v.effective_from && v.effective_from <= today
      && v.published_at)
    .sort((a, b) => b.version - a.version)[0];
}

/** The newest version, whatever its status. */
export function latest(item: Item): Version {
  return [...item.versions].sort((a, b) => b.version - a.version)[0];
}

/** A published version not yet in force (effective later). */
export function scheduled(item: Item, today: string): Version | undefined {
  return item.versions.find((v) => v.status === "published" && !!v.effective_from && v.effective_from > today);
}

export function stateOf(item: Item, today: string): { text: string; tone: "success" | "warning" | "default" | "danger" } {
  if (item.withdrawn) return { text: "已撤销", tone: "default" };
  const last = latest(item);
  if (last.status === "draft") return { text: last.version === 1 ? "草稿，未公布" : `第 ${last.version} 版待公布`, tone: "warning" };
  const later = scheduled(item, today);
  if (later) return { text: `第 ${later.version} 版 ${later.effective_from} 起施行`, tone: "warning" };
  return inForce(item, today) ? { text: "现行有效", tone: "success" } : { text: "未生效", tone: "warning" };
}

export interface ItemForm {
  code: string; name: string; basis: string; subject: string; content: string; method: string;
  categories: string; reason: string; effective_from: string;
}

export function emptyForm(): ItemForm {
  return { code: "", name: "", basis: "", subject: "", content: "", method: "", categories: "", reason: "", effective_from: "" };
}

export function formOf(v: Version): ItemForm {
  return { code: "", name: v.name, basis: v.basis, subject: v.subject, content: v.content, method: v.method,
    categories: v.categories.join("、"), reason: v.reason, effective_from: v.effective_from ?? "" };
}

/** 适用单位类别 as typed: separated by 、，, ; or spaces; empty means every employer. */
export function splitCategories(text: string): string[] {
  return [...new Set(text.split(/[、，,;；\s]+/).map((s) => s.trim()).filter(Boolean))];
}

export type Mode = "create" | "amend" | "draft";

/** Field → reason, in Chinese; empty when the form may be sent. An amendment must change
 * something and say why and from when; its effective date is not before today. */
export function check(form: ItemForm, mode: Mode, today: string, base?: Version): Record<string, string> {
  const wrong: Record<string, string> = {};
  if (mode === "create" && !form.code.trim()) wrong.code = "必须填写";
  else if (form.code.trim().length > 32) wrong.code = "不能超过 32 个字符";
  for (const f of [...CONTENT, "reason"] as const) {
    const value = form[f].trim();
    if (CONTENT.includes(f as (typeof CONTENT)[number]) && !value) wrong[f] = "必须填写";
    else if (value.length > LIMITS[f]) wrong[f] = `不能超过 ${LIMITS[f]} 个字`;
  }
  const cats = splitCategories(form.categories);
  if (cats.length > 10) wrong.categories = "最多 10 类";
  else if (cats.some((c) => c.length > 32)) wrong.categories = "每类不能超过 32 个字";
  if (mode === "amend") {
    if (!form.reason.trim()) wrong.reason = "修订须说明理由";
    if (!form.effective_from) wrong.effective_from = "修订须写明生效日期";
    else if (form.effective_from < today) wrong.effective_from = "生效日期不能早于今天";
    if (base && !Object.keys(changes(form, base)).length) wrong.name = wrong.name ?? "与现行版本相同，没有修订内容";
  }
  return wrong;
}

/** An amendment's body fields: what changes, the rest null (unchanged). */
export function amendment(form: ItemForm, base: Version): Required<{ [K in keyof Changes]: Changes[K] | null }> {
  const c = changes(form, base);
  return { name: c.name ?? null, basis: c.basis ?? null, subject: c.subject ?? null, content: c.content ?? null,
    method: c.method ?? null, categories: c.categories ?? null };
}

/** What an amendment changes against the version it amends (only these are sent). */
export interface Changes { name?: string; basis?: string; subject?: string; content?: string; method?: string; categories?: string[] }
export function changes(form: ItemForm, base: Version): Changes {
  const out: Changes = {};
  for (const f of CONTENT) if (form[f].trim() !== base[f]) out[f] = form[f].trim();
  const cats = splitCategories(form.categories);
  if (cats.join("、") !== base.categories.join("、")) out.categories = cats;
  return out;
}
