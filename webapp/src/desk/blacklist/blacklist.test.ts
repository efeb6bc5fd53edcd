import { describe, expect, it } from "vitest";
import { addMonths, checkDecision, checkNotice, checkRemoval, daysBetween, earliestRemoval, type Entry, steps } from "./blacklist";

function entry(e: Partial<Entry>): Entry {
  return { id: 1, employer_id: 2, employer_name: "重庆某建筑劳务有限公司", employer_uscc: "91500102MA5U000001", legal_rep: "张某",
    status: "noticed", cause: "拖欠农民工工资", basis: "第五条", noticed_on: "2026-11-02", hearing_until: "2026-11-09",
    hearing_until_provisional: false, decide_from: "2026-11-10", decided_on: null, term_start: null, term_end: null,
    earliest_removal: null, removed_on: null, removal_reason: "", arrears_paid_on: null, pledged_on: null, ...e };
}

describe("periods in months (民法典第二百零二条)", () => {
  it("falls on the corresponding day, or the month's last day", () => {
    expect(addMonths("2024-08-31", 6)).toBe("2025-02-28");
    expect(addMonths("2024-02-29", 36)).toBe("2027-02-28");
    expect(addMonths("2026-11-30", 2)).toBe("2027-01-30");
    expect(earliestRemoval("2026-01-10", "2026-03-01")).toBe("2026-09-01");
    expect(earliestRemoval("2026-05-31", "2026-03-01")).toBe("2026-11-30");
  });
  it("counts days between dates", () => {
    expect(daysBetween("2026-11-30", "2026-12-02")).toBe(2);
    expect(daysBetween("2026-12-02", "2026-11-30")).toBe(-2);
  });
});

describe("the steps of a case", () => {
  it("shows the statement window while it is open, then the decision as due", () => {
    const e = entry({});
    const open = steps(e, "2026-11-05");
    expect(open.map((s) => s.state)).toEqual(["done", "current", "waiting", "waiting"]);
    expect(open[1].said).toBe("期内，还有 5 天（含今天）");
    expect(open[1].deadline).toBe("期限至 2026年11月9日");
    expect(open[2].deadline).toBe("2026年11月10日起方可作出决定");
    expect(steps(e, "2026-11-10").map((s) => s.state)).toEqual(["done", "done", "current", "waiting"]);
  });
  it("says a provisional window is provisional", () => {
    expect(steps(entry({ hearing_until_provisional: true }), "2026-11-05")[1].deadline).toContain("暂定");
  });
  it("gives the term and the earliest removal once listed; nothing to remove when not listed", () => {
    const listed = steps(entry({ status: "in_force", decided_on: "2026-11-20", term_end: "2029-11-20", earliest_removal: "2027-05-20" }), "2026-11-30");
    expect(listed.map((s) => s.state)).toEqual(["done", "done", "done", "current"]);
    expect(listed[3].said).toBe("列入期限至 2029年11月20日，期满自动移出");
    expect(listed[3].deadline).toContain("2027年5月20日");
    expect(steps(entry({ status: "withdrawn", decided_on: "2026-11-20" }), "2026-11-30")[3].state).toBe("skipped");
  });
});

describe("the forms' checks", () => {
  it("refuses a notice served in the future and empty fields", () => {
    expect(checkNotice({ cause: "", basis: "第五条", noticed_on: "2026-12-01", legal_rep: "" }, "2026-11-30"))
      .toEqual({ cause: "必须填写", legal_rep: "必须填写", noticed_on: "告知书送达日期不能晚于今天" });
  });
  it("refuses a decision inside the statement window, and 不予列入 without a reason", () => {
    const e = entry({});
    expect(checkDecision({ listed: true, decided_on: "2026-11-09", reason: "" }, e, "2026-11-30").decided_on)
      .toBe("陈述、申辩期至 2026年11月9日届满，2026年11月10日起方可作出决定");
    expect(checkDecision({ listed: true, decided_on: "2026-11-10", reason: "" }, e, "2026-11-30")).toEqual({});
    expect(checkDecision({ listed: false, decided_on: "2026-11-10", reason: " " }, e, "2026-11-30")).toEqual({ reason: "必须填写" });
  });
  it("refuses an early removal before six months from the payment", () => {
    const e = entry({ status: "in_force", noticed_on: "2025-12-01", decided_on: "2026-01-05", term_end: "2029-01-05" });
    const form = { arrears_paid_on: "2026-06-15", pledge: "承诺按时足额支付工资", pledged_on: "", removed_on: "2026-11-30", note: "" };
    expect(checkRemoval(form, e, "2026-11-30").removed_on).toBe("自拖欠工资付清之日起在名单上未满 6 个月，最早可于 2026年12月15日提前移出");
    expect(checkRemoval({ ...form, arrears_paid_on: "2026-05-30" }, e, "2026-11-30")).toEqual({});
    expect(checkRemoval({ ...form, arrears_paid_on: "2026-10-01" }, entry({ ...e, noticed_on: "2026-10-02" }), "2026-11-30").arrears_paid_on)
      .toBe("拖欠工资付清日期须在事先告知之后、不晚于今天");
  });
});
