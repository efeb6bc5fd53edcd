import { describe, expect, it } from "vitest";
import { amendment, changes, check, emptyForm, formOf, inForce, type Item, splitCategories, stateOf, type Version } from "./items";

function version(v: Partial<Version> & { version: number }): Version {
  return { id: v.version, item_id: 1, name: "劳动合同签订情况", basis: "《劳动合同法》第十条", subject: "用人单位",
    content: "是否依法订立书面劳动合同", method: "现场检查", categories: [], status: "published",
    effective_from: "2026-01-01", reason: "", published_at: "2026-01-01T01:00:00Z", ...v };
}
const item = (versions: Version[], withdrawn = false): Item => ({ id: 1, code: "LD-01", withdrawn, versions });

describe("the version in force", () => {
  it("is the newest published version whose effective date has come", () => {
    const i = item([version({ version: 1, status: "superseded" }), version({ version: 2, effective_from: "2026-06-01" }),
      version({ version: 3, effective_from: "2027-01-01" })]);
    expect(inForce(i, "2026-11-30")?.version).toBe(2);
    expect(stateOf(i, "2026-11-30").text).toBe("第 3 版 2027-01-01 起施行");
    expect(inForce(i, "2027-01-01")?.version).toBe(3);
  });
  it("ignores drafts and says one is waiting", () => {
    const i = item([version({ version: 1 }), version({ version: 2, status: "draft", published_at: null, effective_from: "2026-12-01" })]);
    expect(inForce(i, "2026-12-05")?.version).toBe(1);
    expect(stateOf(i, "2026-12-05").text).toBe("第 2 版待公布");
  });
  it("says a withdrawn item is withdrawn", () => {
    expect(stateOf(item([version({ version: 1, status: "withdrawn" })], true), "2026-11-30").text).toBe("已撤销");
  });
});

describe("the item form's checks", () => {
  const base = version({ version: 1 });
  it("asks an amendment for a reason, an effective date not in the past, and a change", () => {
    const form = { ...formOf(base), reason: "", effective_from: "" };
    expect(check(form, "amend", "2026-11-30", base)).toEqual({ reason: "修订须说明理由", effective_from: "修订须写明生效日期",
      name: "与现行版本相同，没有修订内容" });
    const past = { ...form, reason: "法规修订", effective_from: "2026-11-29", content: "新内容" };
    expect(check(past, "amend", "2026-11-30", base)).toEqual({ effective_from: "生效日期不能早于今天" });
    expect(check({ ...past, effective_from: "2026-11-30" }, "amend", "2026-11-30", base)).toEqual({});
  });
  it("needs every content field and a code for a new item", () => {
    const wrong = check({ ...emptyForm(), name: "x".repeat(201) }, "create", "2026-11-30");
    expect(wrong).toMatchObject({ code: "必须填写", name: "不能超过 200 个字", basis: "必须填写", method: "必须填写" });
  });
  it("sends only what an amendment changes", () => {
    const form = { ...formOf(base), content: "是否依法订立并交付劳动合同文本", categories: "建筑施工企业，劳务派遣单位 建筑施工企业" };
    expect(changes(form, base)).toEqual({ content: "是否依法订立并交付劳动合同文本", categories: ["建筑施工企业", "劳务派遣单位"] });
    expect(amendment(form, base)).toMatchObject({ name: null, basis: null, content: "是否依法订立并交付劳动合同文本" });
  });
  it("splits categories on the separators people type", () => {
    expect(splitCategories(" 建筑施工企业、 劳务派遣单位;餐饮 ")).toEqual(["建筑施工企业", "劳务派遣单位", "餐饮"]);
    expect(splitCategories("")).toEqual([]);
  });
});
