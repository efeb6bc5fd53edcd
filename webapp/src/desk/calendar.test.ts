import { describe, expect, it } from "vitest";
import { monthWeeks, nextMark } from "./calendar";

describe("calendar months", () => {
  it("starts the weeks on Monday", () => {
    const weeks = monthWeeks(2026, 10); // 1 October 2026 is a Thursday
    expect(weeks[0].slice(0, 3)).toEqual([null, null, null]);
    expect(weeks[0][3]).toEqual({ date: "2026-10-01", day: 1, weekend: false });
    expect(weeks[0][5]?.weekend).toBe(true);
    expect(weeks.flat().filter(Boolean)).toHaveLength(31);
  });
  it("cycles a weekday through holiday, and a weekend day through 调休 too", () => {
    expect([nextMark("", false), nextMark("holiday", false)]).toEqual(["holiday", ""]);
    expect([nextMark("", true), nextMark("holiday", true), nextMark("workday", true)])
      .toEqual(["holiday", "workday", ""]);
  });
});
