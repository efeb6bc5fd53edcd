import { describe, expect, it } from "vitest";
import { grouped } from "./labels";

describe("grouped", () => {
  it("splits a commitment into groups of eight", () => {
    expect(grouped("0123456789abcdef01")).toBe("01234567 89abcdef 01");
    expect(grouped(null)).toBe("");
  });
});
