import { afterEach, describe, expect, it, vi } from "vitest";
import {
  byField, debounce, emptyForm, fromRules, latestOnly, localProblems, splitList, stepOf, toBody, toRules,
} from "./form";

describe("the campaign form's rules", () => {
  it("states the documented defaults as the API's rules, ratios from per cent", () => {
    const rules = toRules(emptyForm("2026-12-01"));
    expect(rules.strata).toEqual({ A: { ratio: 0.03 }, B: { ratio: 0.05 }, C: { ratio: 0.15 },
      ungraded: { ratio: 0.05 }, blacklist: { all: true } });
    expect(rules.min_interval_days).toEqual({ A: 365, B: 180, C: 90, ungraded: 180, blacklist: 0 });
    expect(rules.max_per_year).toEqual({ A: 1, B: 2, C: 4, ungraded: 2, blacklist: null });
    expect(rules.filters).toEqual({});
    expect(rules.exclusions).toEqual([]);
  });

  it("leaves out a stratum not drawn, and keeps filters, categories and exclusions", () => {
    const f = emptyForm("2026-12-01");
    f.strata.A.mode = "off";
    f.strata.C.mode = "count";
    f.strata.C.count = 7;
    f.townships = "敦仁街道、荔枝街道，敦仁街道";
    f.headcountMin = 10;
    f.categoryMode = "chosen";
    f.categories = ["劳务派遣单位"];
    f.exclusions = [{ uscc: "91500102MA7W00010X", name: "某公司", reason: " 另行检查 " }];
    const rules = toRules(f);
    expect(Object.keys(rules.strata as object)).toEqual(["B", "C", "ungraded", "blacklist"]);
    expect((rules.strata as Record<string, unknown>).C).toEqual({ count: 7 });
    expect(rules.filters).toEqual({ townships: ["敦仁街道", "荔枝街道"], headcount_min: 10, categories: ["劳务派遣单位"] });
    expect(rules.exclusions).toEqual([{ uscc: "91500102MA7W00010X", reason: "另行检查" }]);
  });

  it("reads saved rules back into the same form", () => {
    const f = emptyForm("2026-12-01");
    f.strata.B.percent = 12.5;
    f.strata.ungraded.mode = "off";
    f.strata.blacklist.maxPerYear = 3;
    f.industries = "制造业";
    f.categoryMode = "items";
    f.exclusions = [{ uscc: "X", name: "", reason: "理由" }];
    const back = emptyForm("2027-01-01");
    fromRules(back, toRules(f), { X: "某公司" });
    expect(back.strata).toEqual(f.strata);
    expect(back.industries).toBe("制造业");
    expect(back.categoryMode).toBe("items");
    expect(back.exclusions).toEqual([{ uscc: "X", name: "某公司", reason: "理由" }]);
    fromRules(back, {}); // nothing saved yet: the defaults
    expect(back.strata).toEqual(emptyForm("2026-01-01").strata);
  });

  it("splits lists on the separators people type", () => {
    expect(splitList("甲、乙,丙，丁 戊\n己；甲")).toEqual(["甲", "乙", "丙", "丁", "戊", "己"]);
    expect(splitList("  ")).toEqual([]);
  });

  it("sends null for what is not set, so the server leaves it alone", () => {
    const f = emptyForm("2026-12-01");
    f.leaderId = null;
    const body = toBody(f, null);
    expect(body.leader_id).toBeNull();
    expect(body.employers_needed).toBeNull();
    expect(body.confidentiality_note).toBe("");
  });
});

describe("checks and where refusals are shown", () => {
  it("names each bad field as the server does", () => {
    const f = emptyForm("2026-12-01");
    f.code = "x";
    f.strata.B.percent = 0;
    f.strata.C.mode = "count";
    f.strata.C.count = 1.5;
    f.strata.A.maxPerYear = 0;
    f.exclusions = [{ uscc: "U", name: "", reason: "  " }];
    f.fieldEnd = "2026-11-01";
    const fields = byField(localProblems(f, { saving: true }));
    expect(Object.keys(fields).sort()).toEqual(["code", "field_end", "rules.exclusions.0.reason",
      "rules.max_per_year.A", "rules.strata.B", "rules.strata.C", "title"].sort());
    expect(fields["rules.exclusions.0.reason"]).toBe("请写明不列入的理由");
    expect(Object.keys(byField(localProblems(f, { saving: false })))).not.toContain("code");
  });

  it("refuses rules that draw nothing", () => {
    const f = emptyForm("2026-12-01");
    for (const s of Object.values(f.strata)) s.mode = "off";
    expect(byField(localProblems(f, { saving: false }))["rules.strata"]).toBe("至少抽取一个分层");
  });

  it("sends each refusal to its step, the first message per field", () => {
    expect(stepOf("抽查事项")).toBe(1);
    expect(stepOf("rules.exclusions.3.reason")).toBe(2);
    expect(stepOf("inspectors_needed")).toBe(3);
    expect(stepOf("field_end")).toBe(4);
    expect(stepOf("leader_id")).toBe(5);
    expect(stepOf("purpose")).toBe(0);
    expect(byField([{ field: "a", message: "一" }, { field: "a", message: "二" }])).toEqual({ a: "一" });
  });
});

describe("the live count's timing", () => {
  afterEach(() => vi.useRealTimers());

  it("asks once after a burst of changes", () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const soon = debounce(fn, 400);
    soon(1); vi.advanceTimersByTime(300); soon(2); vi.advanceTimersByTime(300); soon(3);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(400);
    expect(fn).toHaveBeenCalledOnce();
    expect(fn).toHaveBeenCalledWith(3);
    soon(4); soon.cancel(); vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledOnce();
  });

  it("drops an older answer that arrives after a newer one, and its error", async () => {
    const latest = latestOnly<number>();
    let finishSlow: (v: number) => void = () => undefined;
    let failSlow: (e: Error) => void = () => undefined;
    const slow = latest(() => new Promise<number>((resolve) => { finishSlow = resolve; }));
    const fast = latest(async () => 2);
    expect(await fast).toEqual({ fresh: true, value: 2 });
    finishSlow(1);
    expect(await slow).toEqual({ fresh: false });
    const failing = latest(() => new Promise<number>((_, reject) => { failSlow = reject; }));
    await latest(async () => 3);
    failSlow(new Error("晚到的错误"));
    expect(await failing).toEqual({ fresh: false });
    await expect(latest(async () => { throw new Error("当前的错误"); })).rejects.toThrow("当前的错误");
  });
});
