// A photo's EXIF block (time taken, GPS position, camera) is part of the evidence (docs/api.md
// "Evidence"), but a canvas re-encode drops it. These functions lift the APP1 "Exif" segment
// out of the original JPEG and put it into the compressed one, with the orientation reset to
// "upright" because the pixels were already rotated when drawn.

const SOI = 0xd8;
const APP0 = 0xe0;
const APP1 = 0xe1;
const SOS = 0xda;
const ORIENTATION = 0x0112;

function isExif(bytes: Uint8Array, start: number): boolean {
  // "Exif\0\0"
  return bytes[start] === 0x45 && bytes[start + 1] === 0x78 && bytes[start + 2] === 0x69
    && bytes[start + 3] === 0x66 && bytes[start + 4] === 0 && bytes[start + 5] === 0;
}

interface Segment {
  marker: number;
  start: number; // index of the 0xFF
  end: number; // index after the segment
}

/** The marker segments before the image data (SOS), or null when this is not a JPEG. */
export function segments(bytes: Uint8Array): Segment[] | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return null;
  const out: Segment[] = [];
  let i = 2;
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1];
    if (marker === SOS) break;
    const length = (bytes[i + 2] << 8) | bytes[i + 3];
    const end = i + 2 + length;
    if (length < 2 || end > bytes.length) return out;
    out.push({ marker, start: i, end });
    i = end;
  }
  return out;
}

/** The original's APP1 Exif segment (marker included), or null. */
export function exifSegment(bytes: Uint8Array): Uint8Array | null {
  const found = segments(bytes)?.find((s) => s.marker === APP1 && isExif(bytes, s.start + 4));
  return found ? bytes.slice(found.start, found.end) : null;
}

/** Orientation (1–8) in IFD0 of an APP1 Exif segment; 1 when absent. */
export function orientationOf(app1: Uint8Array): number {
  const tiff = 10;
  if (app1.length < tiff + 8) return 1;
  const little = app1[tiff] === 0x49;
  const view = new DataView(app1.buffer, app1.byteOffset, app1.byteLength);
  const ifd0 = tiff + view.getUint32(tiff + 4, little);
  if (ifd0 + 2 > app1.length) return 1;
  const count = view.getUint16(ifd0, little);
  for (let n = 0; n < count; n++) {
    const entry = ifd0 + 2 + n * 12;
    if (entry + 12 > app1.length) return 1;
    if (view.getUint16(entry, little) === ORIENTATION) {
      const value = view.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** A JPEG's size as shown (its frame header, with width and height swapped when the EXIF
 * orientation turns it a quarter: 5–8), read without decoding; null when not found. */
export function uprightSize(bytes: Uint8Array): { width: number; height: number } | null {
  const parts = segments(bytes);
  // Start of frame: C0–CF except C4 (Huffman tables), C8 (reserved) and CC (arithmetic coding).
  const frame = parts?.find((p) => p.marker >= 0xc0 && p.marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(p.marker));
  if (!frame || frame.end - frame.start < 9) return null;
  const height = (bytes[frame.start + 5] << 8) | bytes[frame.start + 6];
  const width = (bytes[frame.start + 7] << 8) | bytes[frame.start + 8];
  if (!width || !height) return null;
  const app1 = exifSegment(bytes);
  const turned = app1 ? orientationOf(app1) >= 5 : false;
  return turned ? { width: height, height: width } : { width, height };
}

/** Set the orientation in IFD0 of an APP1 Exif segment to 1 (upright), in place. */
export function resetOrientation(app1: Uint8Array): void {
  const tiff = 10; // FF E1, length (2), "Exif\0\0"
  if (app1.length < tiff + 8) return;
  const little = app1[tiff] === 0x49; // "II" little-endian, "MM" big-endian
  const view = new DataView(app1.buffer, app1.byteOffset, app1.byteLength);
  const u16 = (at: number) => view.getUint16(at, little);
  const ifd0 = tiff + view.getUint32(tiff + 4, little);
  if (ifd0 + 2 > app1.length) return;
  const count = u16(ifd0);
  for (let n = 0; n < count; n++) {
    const entry = ifd0 + 2 + n * 12;
    if (entry + 12 > app1.length) return;
    if (u16(entry) === ORIENTATION) {
      view.setUint16(entry + 8, 1, little);
      return;
    }
  }
}

/** The compressed JPEG with the original's EXIF block inserted (after its JFIF header). */
export function withExif(compressed: Uint8Array, original: Uint8Array): Uint8Array {
  const app1 = exifSegment(original);
  const parts = segments(compressed);
  if (!app1 || !parts || app1.length > 65_537) return compressed;
  resetOrientation(app1);
  const at = parts[0]?.marker === APP0 ? parts[0].end : 2;
  const out = new Uint8Array(compressed.length + app1.length);
  out.set(compressed.subarray(0, at), 0);
  out.set(app1, at);
  out.set(compressed.subarray(at), at + app1.length);
  return out;
}
