import { describe, expect, it } from "vitest";
import { deferStyles, minifyCss } from "../../build/boot";
import { groupDevUsers } from "../auth/devusers";
import { firstScreen } from "./first-screen";

const users = [
  { userid: "a", name: "甲", section: "一科", roles: ["admin"] },
  { userid: "i", name: "乙", section: "一科", roles: ["inspector"] },
  { userid: "l", name: "丙", section: "二科", roles: ["leader", "inspector"] },
];
const fresh = { token: null, search: "", userAgent: "Mozilla/5.0 Mobile" };

describe("index.html's first screen", () => {
  it("lists the demo staff to a newcomer in development", () => {
    expect(firstScreen({ dev_users: users }, fresh)).toBe("demo");
  });

  it("leaves a logged-in user, the return from WeCom and a page without data to the app", () => {
    expect(firstScreen({ dev_users: users }, { ...fresh, token: "t" })).toBe("opening");
    expect(firstScreen({ dev_users: users }, { ...fresh, search: "?code=abc&state=x" })).toBe("opening");
    expect(firstScreen(null, fresh)).toBe("opening");
  });

  it("outside development: WeCom's login inside WeCom, where to open the app elsewhere", () => {
    expect(firstScreen({ dev_users: null }, { ...fresh, userAgent: "… wxwork/4.1 …" })).toBe("wecom");
    expect(firstScreen({ dev_users: null }, fresh)).toBe("elsewhere");
  });

  it("groups the demo staff as the login screen does: inspectors first", () => {
    expect(groupDevUsers(users).map((g) => [g.role, g.users.map((u) => u.userid)]))
      .toEqual([["inspector", ["i"]], ["leader", ["l"]], ["admin", ["a"]]]);
  });
});

describe("build/boot.ts", () => {
  it("makes the app's style sheets wait without blocking the first paint", () => {
    const html = '<link rel="stylesheet" crossorigin href="/app/assets/a.css"><link rel="modulepreload" href="x.js">';
    expect(deferStyles(html)).toBe('<link rel="stylesheet" media="print" data-suiji-css crossorigin href="/app/assets/a.css">'
      + '<link rel="modulepreload" href="x.js">');
  });

  it("inlines a small style sheet", () => {
    expect(minifyCss("/* c */\n.a > .b {\n  color: red;\n  margin: 0 1px;\n}\n")).toBe(".a>.b{color:red;margin:0 1px}");
  });
});
