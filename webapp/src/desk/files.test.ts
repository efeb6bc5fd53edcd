import { describe, expect, it } from "vitest";
import { toCsv } from "./files";

describe("toCsv", () => {
  it("quotes what needs quoting and starts with a BOM", async () => {
    const blob = toCsv(["单位名称", "地址"], [["甲,乙公司", '说"明'], ["丙", "第一行\n第二行"]]);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await blob.arrayBuffer());
    expect(text).toBe('\ufeff单位名称,地址\r\n"甲,乙公司","说""明"\r\n丙,"第一行\n第二行"\r\n');
  });
});
