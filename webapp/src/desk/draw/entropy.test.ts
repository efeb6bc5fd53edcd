import { describe, expect, it } from "vitest";
import { entropyText, witnessText } from "./entropy";

describe("entropyText", () => {
  it("writes source, value and date into one text", () => {
    expect(entropyText({ source: " 福彩3D  2026321期", value: "5 8  2", date: "2026-11-30" }))
      .toBe("福彩3D 2026321期 5 8 2（2026年11月30日）");
  });
  it("is empty until every part is there", () => {
    expect(entropyText({ source: "福彩3D", value: "", date: "2026-11-30" })).toBe("");
    expect(entropyText({ source: "福彩3D", value: "582", date: "" })).toBe("");
  });
});

describe("witnessText", () => {
  it("joins the names and drops blanks", () => {
    expect(witnessText([" 刘芳", "", "陈建国 "])).toBe("刘芳、陈建国");
  });
});
