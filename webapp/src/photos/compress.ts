// Compresses a photo on the phone before it is stored and sent (target ≤ 600 KB), keeping the
// original's EXIF block. The sizing decisions are in sizing.ts.
//
// Made for a mid-range phone (benchmarks/webapp.py): the JPEG's size and orientation are read
// from its header, so a photo that may go as it is is never decoded, and a 12-megapixel one is
// decoded straight to the size it is sent at (createImageBitmap with resizeWidth/resizeHeight,
// orientation applied) instead of decoded whole and then drawn smaller; it is encoded from an
// OffscreenCanvas (convertToBlob), and sizing.ts aims the second try, if any, under the target.
// Older WebViews fall back to an <img> and a canvas, as before. Not in a Web Worker: Chromium
// decodes for createImageBitmap off the page's thread and encodes asynchronously; what is left
// on the page's thread is one copy of a 3-megapixel bitmap.
import { uprightSize, withExif } from "./exif";
import { firstAttempt, fitWithin, keepOriginal, MAX_TRIES, nextAttempt, TARGET_BYTES, type Attempt } from "./sizing";

export interface Compressed {
  blob: Blob;
  width: number;
  height: number;
  tries: number;
  original: number;
}

type Size = { width: number; height: number };
/** Encodes the photo at one size and quality. */
type Encoder = (size: Size, quality: number) => Promise<Blob>;
interface Source {
  size: Size; // upright
  encoder: Encoder;
  close(): void;
}

const sameSize = (a: Size, b: Size) => a.width === b.width && a.height === b.height;

/** Decoded at `size` (upright) in one step; null where the browser cannot. */
async function decodedAt(file: Blob, size: Size): Promise<ImageBitmap | null> {
  if (typeof createImageBitmap !== "function") return null;
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: "from-image",
      resizeWidth: size.width, resizeHeight: size.height, resizeQuality: "high" });
    if (sameSize(bitmap, size)) return bitmap;
    bitmap.close(); // a browser that resized before turning it: the slow way is right
  } catch {
    // older WebViews: the slow way
  }
  return null;
}

function offscreenEncoder(bitmap: ImageBitmap): Encoder | null {
  if (typeof OffscreenCanvas !== "function") return null;
  let canvas: OffscreenCanvas | null = null;
  return async (size, quality) => {
    if (!canvas || !sameSize(canvas, size)) {
      canvas = new OffscreenCanvas(size.width, size.height);
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new Error("canvas unavailable");
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(bitmap, 0, 0, size.width, size.height);
    }
    return canvas.convertToBlob({ type: "image/jpeg", quality });
  };
}

function canvasEncoder(source: CanvasImageSource): Encoder {
  let canvas: HTMLCanvasElement | null = null;
  return (size, quality) => {
    if (!canvas || !sameSize(canvas, size)) {
      canvas = document.createElement("canvas");
      canvas.width = size.width;
      canvas.height = size.height;
      const ctx = canvas.getContext("2d");
      if (!ctx) throw new Error("canvas unavailable");
      ctx.imageSmoothingQuality = "high";
      ctx.drawImage(source, 0, 0, size.width, size.height);
    }
    const target = canvas;
    return new Promise((resolve, reject) => target.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error("encode failed"))), "image/jpeg", quality));
  };
}

/** The slow way: decode whole (an <img> applies the EXIF orientation itself), draw smaller. */
async function decodedWhole(file: Blob): Promise<Source> {
  let image: ImageBitmap | HTMLImageElement | null = null;
  if (typeof createImageBitmap === "function") {
    try {
      image = await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      image = null;
    }
  }
  if (!image) {
    const url = URL.createObjectURL(file);
    try {
      const img = new Image();
      img.src = url;
      await img.decode();
      image = img;
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  const source = image;
  const size = "naturalWidth" in source ? { width: source.naturalWidth, height: source.naturalHeight }
    : { width: source.width, height: source.height };
  return { size, encoder: canvasEncoder(source), close: () => { if ("close" in source) source.close(); } };
}

export async function compressPhoto(file: Blob, target = TARGET_BYTES): Promise<Compressed> {
  const original = file.type === "image/jpeg" ? new Uint8Array(await file.arrayBuffer()) : null;
  const header = original ? uprightSize(original) : null;
  if (header && keepOriginal(file.type, file.size, header.width, header.height, target)) {
    return { blob: file, ...header, tries: 0, original: file.size };
  }
  let source: Source | null = null;
  if (header) {
    const first = fitWithin(header.width, header.height,
      firstAttempt(header.width, header.height, file.size, target).edge);
    const bitmap = await decodedAt(file, first);
    const encoder = bitmap ? offscreenEncoder(bitmap) ?? canvasEncoder(bitmap) : null;
    if (bitmap && encoder) source = { size: header, encoder, close: () => bitmap.close() };
  }
  source ??= await decodedWhole(file);
  const { width, height } = source.size;
  if (keepOriginal(file.type, file.size, width, height, target)) {
    source.close();
    return { blob: file, width, height, tries: 0, original: file.size };
  }
  let attempt: Attempt | null = firstAttempt(width, height, original ? file.size : undefined, target);
  let best: { blob: Blob; width: number; height: number } | null = null;
  let tries = 0;
  try {
    while (attempt && tries < MAX_TRIES) {
      const size = fitWithin(width, height, attempt.edge);
      let blob = await source.encoder(size, attempt.quality);
      if (original) {
        const bytes = withExif(new Uint8Array(await blob.arrayBuffer()), original);
        blob = new Blob([bytes as BlobPart], { type: "image/jpeg" });
      }
      tries += 1;
      best = { blob, ...size };
      attempt = nextAttempt(attempt, blob.size, target);
    }
  } finally {
    source.close();
  }
  return { ...best!, tries, original: file.size };
}
