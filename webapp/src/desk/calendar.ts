// The working-day calendar's months, laid out on the screen (pure, tested without a browser).
export interface Day {
  date: string; // YYYY-MM-DD
  day: number;
  weekend: boolean;
}

/** The weeks of a month, Monday first; blanks (null) before the 1st and after the last day. */
export function monthWeeks(year: number, month: number): Array<Array<Day | null>> {
  const first = new Date(Date.UTC(year, month - 1, 1));
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday = 0
  const cells: Array<Day | null> = Array.from({ length: lead }, () => null);
  for (let d = 1; d <= days; d += 1) {
    const weekday = (lead + d - 1) % 7;
    cells.push({ date: `${year}-${String(month).padStart(2, "0")}-${String(d).padStart(2, "0")}`, day: d, weekend: weekday >= 5 });
  }
  while (cells.length % 7) cells.push(null);
  return Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
}

export type Mark = "holiday" | "workday" | "";

/** A click on a day: a weekday is a holiday or not; a weekend day may also be a 调休 workday. */
export function nextMark(current: Mark, weekend: boolean): Mark {
  if (current === "") return "holiday";
  if (current === "holiday" && weekend) return "workday";
  return "";
}
