import { describe, expect, it } from "vitest";
import { reportFileName } from "./report";

describe("the report's file name", () => {
  it("is the code and the title, without characters a file system refuses", () => {
    expect(reportFileName("2026-FL-002", "2026年秋季工资支付专项抽查", "pdf")).toBe("2026-FL-002 2026年秋季工资支付专项抽查工作报告.pdf");
    expect(reportFileName("A/B", "检查:一\"二\"", "xlsx")).toBe("A_B 检查_一_二_工作报告.xlsx");
  });
});
