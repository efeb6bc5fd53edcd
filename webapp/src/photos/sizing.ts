// How a photo is made small enough to send over a weak signal: at most 2048 px on its long
// side at JPEG quality 0.82; when that is too big, one corrected try aimed under the target —
// the quality lowered as far as a JPEG size model says is needed (down to 0.58), then the size
// reduced for what the quality cannot do. Each try is a whole encode of up to 3 megapixels
// (a few hundred ms on a mid-range phone), so the aim is one try, two for a very busy photo.
// Pure functions; compress.ts runs them against a canvas.

export const TARGET_BYTES = 600 * 1024;
export const MAX_EDGE = 2048;
export const MIN_EDGE = 640;
export const MAX_TRIES = 6;
const FIRST_QUALITY = 0.82;
const MIN_QUALITY = 0.58;
// JPEG size ~ (quantiser scale)^-EXPONENT for one photo. 0.55 is the flattest curve measured
// (a 12-megapixel photo of noise, benchmarks/webapp.py: 994 KB at 0.82, 742 KB at 0.70); real
// photos shrink faster with quality, so the corrected try lands under the target, not over it.
const EXPONENT = 0.55;
const MARGIN = 0.97;
const KEPT_WHEN_SCALED = 0.55;

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

/** The first try: 2048 px at 0.82 — unless the original JPEG (its size in bytes given) is so
 * busy that this would not fit, and then aimed under the target at once, saving an encode.
 * Scaled to 2048 px and re-encoded at 0.82, a phone's JPEG keeps about 0.55 of its bytes per
 * pixel (the benchmark's photo: 7.1 MB at 12.2 megapixels → 994 KB at 3.1); a typical photo
 * of 3–4 MB is predicted under 600 KB and starts at 0.82. */
export function firstAttempt(width: number, height: number, originalBytes?: number,
  target = TARGET_BYTES): Attempt {
  const plain = { edge: Math.min(MAX_EDGE, Math.max(width, height)), quality: FIRST_QUALITY };
  if (!originalBytes) return plain;
  const out = fitWithin(width, height, plain.edge);
  const predicted = originalBytes * ((out.width * out.height) / (width * height)) * KEPT_WHEN_SCALED;
  return (predicted > target ? nextAttempt(plain, predicted, target) : null) ?? plain;
}

/** libjpeg's quantiser scale for a quality (what Chromium's encoder does with it). */
export function quantiserScale(quality: number): number {
  const q = Math.min(100, Math.max(1, Math.round(quality * 100)));
  return q < 50 ? 50 / q : 2 - q / 50;
}

/** The next try after one that gave `bytes`, or null when that one fits (or nothing smaller
 * is worth trying: a photo at the floor is sent as it is; the server takes up to 10 MB). */
export function nextAttempt(last: Attempt, bytes: number, target = TARGET_BYTES): Attempt | null {
  if (bytes <= target) return null;
  const needed = (target * MARGIN) / bytes;
  const lastScale = quantiserScale(last.quality);
  // The quality whose predicted size is `needed` times the last one's, not below the floor.
  const scale = lastScale * needed ** (-1 / EXPONENT);
  const quality = Math.min(last.quality, Math.max(MIN_QUALITY, Math.floor((2 - scale) * 50) / 100));
  const fromQuality = (lastScale / quantiserScale(quality)) ** EXPONENT;
  // What the quality cannot do, fewer pixels do (JPEG size grows about with the pixel count).
  const rest = needed / fromQuality;
  const edge = rest < 1 ? Math.max(MIN_EDGE, Math.floor(last.edge * Math.sqrt(rest))) : last.edge;
  if (edge === last.edge && quality === last.quality) return null;
  return { edge, quality };
}

/** Whether the original can be sent untouched: a JPEG already small enough. */
export function keepOriginal(type: string, bytes: number, width: number, height: number,
  target = TARGET_BYTES): boolean {
  return type === "image/jpeg" && bytes <= target && Math.max(width, height) <= MAX_EDGE;
}
