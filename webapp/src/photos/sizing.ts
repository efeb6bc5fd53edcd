// How a photo is made small enough to send over a weak signal: at most 2048 px on its long
// side, JPEG quality stepped down, then the size reduced in proportion to how far off the
// target the last try was. Pure functions; compress.ts runs them against a canvas.

export const TARGET_BYTES = 600 * 1024;
export const MAX_EDGE = 2048;
export const MIN_EDGE = 640;
export const MAX_TRIES = 6;
const FIRST_QUALITY = 0.82;
const QUALITY_STEP = 0.12;
const MIN_QUALITY = 0.58;

export interface Attempt {
  edge: number; // the long side in pixels
  quality: number;
}

/** Width and height scaled so the long side is at most `edge` (never enlarged). */
export function fitWithin(width: number, height: number, edge: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= edge) return { width, height };
  const scale = edge / long;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function firstAttempt(width: number, height: number): Attempt {
  return { edge: Math.min(MAX_EDGE, Math.max(width, height)), quality: FIRST_QUALITY };
}

/** The next try after one that gave `bytes`, or null when that one fits (or nothing smaller
 * is worth trying: a photo at the floor is sent as it is; the server takes up to 10 MB). */
export function nextAttempt(last: Attempt, bytes: number, target = TARGET_BYTES): Attempt | null {
  if (bytes <= target) return null;
  const ratio = target / bytes;
  if (last.quality - QUALITY_STEP >= MIN_QUALITY && ratio > 0.6) {
    return { edge: last.edge, quality: +(last.quality - QUALITY_STEP).toFixed(2) };
  }
  if (last.edge <= MIN_EDGE) return null;
  // JPEG size grows about with the pixel count: scale each side by the square root, a little
  // more so the next try lands under the target rather than just over it.
  const edge = Math.max(MIN_EDGE, Math.floor(last.edge * Math.sqrt(ratio) * 0.92));
  return { edge, quality: last.quality };
}

/** Whether the original can be sent untouched: a JPEG already small enough. */
export function keepOriginal(type: string, bytes: number, width: number, height: number,
  target = TARGET_BYTES): boolean {
  return type === "image/jpeg" && bytes <= target && Math.max(width, height) <= MAX_EDGE;
}
