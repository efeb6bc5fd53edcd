import { describe, expect, it } from "vitest";
import { actionLabel, changes } from "./labels";

describe("audit words", () => {
  it("names known actions and keeps unknown codes", () => {
    expect(actionLabel("employer.update")).toBe("用人单位修改");
    expect(actionLabel("grade.confirm")).toBe("等级确认");
    expect(actionLabel("something.odd")).toBe("something.odd");
  });
  it("lists each touched field with before and after", () => {
    expect(changes({ township: "甲", year: 2025 }, { township: "乙", grade: null, year: 2025 })).toEqual([
      { field: "township", before: "甲", after: "乙" },
      { field: "grade", before: undefined, after: "（空）" },
    ]);
  });
});
