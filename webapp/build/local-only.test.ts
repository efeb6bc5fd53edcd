import { describe, expect, it } from "vitest";
import { stripExternal } from "./local-only";

describe("no other origins in the build", () => {
  it("drops a font's CDN fallback and keeps the inline one", () => {
    const css = '@font-face{font-family:vant-icon;src:url(data:font/woff2;base64,AAAA)format("woff2"),'
      + 'url(//at.alicdn.com/t/c/font.woff?t=1)format("woff")}';
    expect(stripExternal(css)).toBe('@font-face{font-family:vant-icon;src:url(data:font/woff2;base64,AAAA)format("woff2")}');
  });
});
