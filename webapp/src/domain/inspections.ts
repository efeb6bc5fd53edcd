// Sorting an inspector's visits into the lists they work from: today, coming up, overdue.
import type { Schemas } from "../api";

export type Brief = Schemas["InspectionBrief"];
export type Bucket = "today" | "upcoming" | "overdue" | "all";
const OPEN = ["planned", "assigned", "checked_in"];

export function bucketOf(row: Pick<Brief, "state" | "window_start" | "window_end">, today: string): Bucket {
  const open = OPEN.includes(row.state);
  if (open && row.window_end < today) return "overdue";
  if (row.window_start > today) return "upcoming";
  if (open && row.window_start <= today && today <= row.window_end) return "today";
  return "all";
}

export function inBucket(rows: Brief[], bucket: Bucket, today: string): Brief[] {
  if (bucket === "all") return rows;
  return rows.filter((r) => bucketOf(r, today) === bucket)
    .sort((a, b) => (a.window_start < b.window_start ? -1 : a.window_start > b.window_start ? 1 : a.id - b.id));
}

/** A map search for the address (a link the phone opens in its map app or browser). */
export function mapLink(address: string, township = ""): string {
  const place = address || township;
  return `https://uri.amap.com/search?keyword=${encodeURIComponent(place)}&src=suiji&callnative=1`;
}
