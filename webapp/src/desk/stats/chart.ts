// Bar charts drawn in the app (SVG; no chart service, nothing leaves the browser): the geometry,
// kept apart from the component so it is tested without a browser.
export interface Part {
  name: string; // the legend's word (符合, 不符合 …)
  value: number;
  color: string;
}
export interface Row {
  label: string;
  parts: Part[];
}
export interface Bar {
  label: string;
  y: number;
  total: number;
  segments: Array<Part & { x: number; width: number }>;
}

/** A rounded scale maximum: 1, 2, 5 × 10ⁿ at or above the largest total (at least 1). */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function layout(rows: Row[], width: number, rowHeight: number): { bars: Bar[]; max: number } {
  const max = niceMax(Math.max(0, ...rows.map((r) => r.parts.reduce((s, p) => s + p.value, 0))));
  const bars = rows.map((row, i) => {
    let x = 0;
    const segments = row.parts.map((p) => {
      const w = (p.value / max) * width;
      const seg = { ...p, x, width: w };
      x += w;
      return seg;
    });
    return { label: row.label, y: i * rowHeight, total: row.parts.reduce((s, p) => s + p.value, 0), segments };
  });
  return { bars, max };
}

/** A share as people write it: 37.5%; "—" when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  if (!whole) return "—";
  return `${(Math.round((part / whole) * 1000) / 10).toString()}%`;
}
