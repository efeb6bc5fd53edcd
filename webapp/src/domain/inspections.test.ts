import { describe, expect, it } from "vitest";
import { addDays, beijingToday } from "./dates";
import { bucketOf } from "./inspections";

describe("inspection lists", () => {
  const today = "2026-12-10";
  it("sorts visits into today, upcoming and overdue", () => {
    expect(bucketOf({ state: "assigned", window_start: "2026-12-07", window_end: "2026-12-20" }, today)).toBe("today");
    expect(bucketOf({ state: "assigned", window_start: "2026-12-11", window_end: "2026-12-20" }, today)).toBe("upcoming");
    expect(bucketOf({ state: "checked_in", window_start: "2026-12-01", window_end: "2026-12-09" }, today)).toBe("overdue");
    expect(bucketOf({ state: "submitted", window_start: "2026-12-01", window_end: "2026-12-09" }, today)).toBe("all");
    expect(bucketOf({ state: "closed", window_start: "2026-12-07", window_end: "2026-12-20" }, today)).toBe("all");
  });

  it("takes today's date in Beijing, whatever the phone's zone", () => {
    expect(beijingToday(new Date("2026-12-09T17:30:00Z"))).toBe("2026-12-10");
    expect(beijingToday(new Date("2026-12-09T15:30:00Z"))).toBe("2026-12-09");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
});
