import { describe, expect, it } from "vitest";
import { layout, niceMax, percent } from "./chart";

describe("charts", () => {
  it("rounds the scale up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 1, 3, 7, 12, 480, 501].map(niceMax)).toEqual([1, 1, 5, 10, 20, 500, 1000]);
  });
  it("lays stacked segments end to end on one scale", () => {
    const { bars, max } = layout([
      { label: "事项一", parts: [{ name: "符合", value: 6, color: "g" }, { name: "不符合", value: 2, color: "r" }] },
      { label: "事项二", parts: [{ name: "符合", value: 3, color: "g" }, { name: "不符合", value: 0, color: "r" }] },
    ], 100, 30);
    expect(max).toBe(10);
    expect(bars[0].segments.map((s) => [s.x, s.width])).toEqual([[0, 60], [60, 20]]);
    expect(bars[1]).toMatchObject({ y: 30, total: 3 });
  });
  it("writes shares to one decimal", () => {
    expect(percent(1, 3)).toBe("33.3%");
    expect(percent(0, 0)).toBe("—");
  });
});
