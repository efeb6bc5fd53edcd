// Dates as the bureau reads them: Beijing dates, shown as 12月7日 or 2026年12月7日.
const BEIJING = "Asia/Shanghai";

/** Today's date in Beijing as YYYY-MM-DD, whatever the phone's time zone. */
export function beijingToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: BEIJING, year: "numeric",
    month: "2-digit", day: "2-digit" }).format(now);
  return parts; // en-CA formats as YYYY-MM-DD
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function showDate(day: string | null | undefined, withYear = false): string {
  if (!day) return "";
  const [y, m, d] = day.slice(0, 10).split("-").map(Number);
  return withYear ? `${y}年${m}月${d}日` : `${m}月${d}日`;
}

export function showDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const fmt = new Intl.DateTimeFormat("zh-CN", { timeZone: BEIJING, month: "numeric", day: "numeric",
    hour: "2-digit", minute: "2-digit", hour12: false });
  return fmt.format(new Date(iso));
}

export function showWindow(start: string, end: string): string {
  return `${showDate(start)}至${showDate(end)}`;
}
