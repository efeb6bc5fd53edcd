import { describe, expect, it } from "vitest";
import { serviceWorker } from "./service-worker";

describe("service worker", () => {
  it("keeps every file the build writes, and no chunk left empty (never written)", () => {
    const emitted: Array<{ fileName: string; source: string }> = [];
    const plugin = serviceWorker() as unknown as {
      generateBundle: (this: unknown, o: unknown, b: Record<string, unknown>) => void;
    };
    plugin.generateBundle.call({ emitFile: (f: { fileName: string; source: string }) => emitted.push(f) }, {}, {
      "assets/index-a.js": { type: "chunk", code: "console.log(1)" },
      "assets/desk-b.js": { type: "chunk", code: "" },
      "assets/desk-b.css": { type: "asset", source: ".x{}" },
      "index.html": { type: "asset", source: "<html>" },
    });
    const source = emitted[0].source;
    expect(emitted[0].fileName).toBe("sw.js");
    expect(source).toContain('const FILES = ["assets/desk-b.css","assets/index-a.js"];');
  });
});
