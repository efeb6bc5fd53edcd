import { describe, expect, it } from "vitest";
import { exifSegment, segments, uprightSize, withExif } from "./exif";

function segment(marker: number, payload: number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...payload];
}

/** APP1 Exif with IFD0 holding Orientation (0x0112) = 6 and one other tag. */
function exifApp1(little: boolean): number[] {
  const u16 = (v: number) => (little ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v: number) => (little ? [v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24]
    : [v >>> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
  const tiff = [...(little ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42), ...u32(8)];
  const ifd = [...u16(2),
    ...u16(0x010f), ...u16(2), ...u32(4), 0x41, 0x42, 0x43, 0, // Make "ABC"
    ...u16(0x0112), ...u16(3), ...u32(1), ...u16(6), 0, 0, // Orientation 6
    ...u32(0)];
  return segment(0xe1, [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff, ...ifd]);
}

const jfif = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const scan = [0xff, 0xda, 0, 4, 1, 2, 9, 9, 9, 0xff, 0xd9];

describe("EXIF kept across compression", () => {
  for (const little of [true, false]) {
    it(`moves the EXIF block into the compressed JPEG, upright (${little ? "II" : "MM"})`, () => {
      const original = new Uint8Array([0xff, 0xd8, ...exifApp1(little), ...scan]);
      const compressed = new Uint8Array([0xff, 0xd8, ...jfif, ...scan]);
      const out = withExif(compressed, original);
      const parts = segments(out)!;
      expect(parts.map((p) => p.marker)).toEqual([0xe0, 0xe1]);
      const app1 = exifSegment(out)!;
      expect(app1.length).toBe(exifApp1(little).length);
      // Orientation value now 1; the other tag untouched.
      const bytes = Array.from(app1);
      const orientationAt = 10 + 8 + 2 + 12 + 8;
      expect(little ? bytes[orientationAt] : bytes[orientationAt + 1]).toBe(1);
      expect(bytes).toContain(0x43);
      // The image data follows unchanged.
      expect(Array.from(out.slice(out.length - scan.length))).toEqual(scan);
    });
  }

  it("leaves a photo without EXIF, or a non-JPEG, as it was", () => {
    const compressed = new Uint8Array([0xff, 0xd8, ...jfif, ...scan]);
    expect(withExif(compressed, new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBe(compressed);
    expect(withExif(compressed, new Uint8Array([0xff, 0xd8, ...jfif, ...scan]))).toBe(compressed);
  });
});

describe("size read from the header", () => {
  const frame = segment(0xc0, [8, 0x0b, 0xd0, 0x0f, 0xc0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]); // 3024 high, 4032 wide
  it("reads the frame header, turned by the EXIF orientation", () => {
    expect(uprightSize(new Uint8Array([0xff, 0xd8, ...jfif, ...frame, ...scan]))).toEqual({ width: 4032, height: 3024 });
    for (const little of [true, false]) {
      // Orientation 6: the camera was held upright, the pixels are stored sideways.
      expect(uprightSize(new Uint8Array([0xff, 0xd8, ...exifApp1(little), ...frame, ...scan])))
        .toEqual({ width: 3024, height: 4032 });
    }
  });

  it("knows nothing of a file that is not a JPEG or has no frame", () => {
    expect(uprightSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(uprightSize(new Uint8Array([0xff, 0xd8, ...jfif, ...scan]))).toBeNull();
  });
});
