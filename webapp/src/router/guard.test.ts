import { describe, expect, it } from "vitest";
import { afterLogin, decide, type RouteInfo } from "./guard";

const route = (fullPath: string, meta: RouteInfo["meta"] = {}): RouteInfo =>
  ({ fullPath, path: fullPath.split("?")[0], meta });

describe("router guard", () => {
  it("sends a visitor without a session to login, keeping the screen the link named", () => {
    expect(decide(route("/inspections/12"), { token: null, roles: [] }))
      .toEqual({ path: "/login", query: { redirect: "/inspections/12" } });
    expect(decide(route("/"), { token: null, roles: [] })).toEqual({ path: "/login" });
  });

  it("lets public screens through, but not login once logged in", () => {
    expect(decide(route("/login", { public: true }), { token: null, roles: [] })).toBe(true);
    expect(decide(route("/login", { public: true }), { token: "t", roles: ["inspector"] })).toEqual({ path: "/" });
  });

  it("keeps screens of other roles closed", () => {
    const leaderOnly = route("/campaigns/3/assign", { roles: ["leader"] });
    expect(decide(leaderOnly, { token: "t", roles: ["inspector"] }))
      .toEqual({ path: "/", query: { denied: "/campaigns/3/assign" } });
    expect(decide(leaderOnly, { token: "t", roles: ["inspector", "leader"] })).toBe(true);
    expect(decide(route("/inspections/1"), { token: "t", roles: [] })).toBe(true);
  });

  it("opens the linked screen after login, and only screens inside the app", () => {
    expect(afterLogin("/inspections/12", null)).toBe("/inspections/12");
    expect(afterLogin(undefined, "/callups")).toBe("/callups");
    expect(afterLogin("//evil.example/x", null)).toBe("/");
    expect(afterLogin("https://evil.example", null)).toBe("/");
    expect(afterLogin("/login", null)).toBe("/");
    expect(afterLogin(undefined, null)).toBe("/");
  });
});
