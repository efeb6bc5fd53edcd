// Compresses a photo on the phone before it is stored and sent (target ≤ 600 KB), keeping the
// original's EXIF block. The sizing decisions are in sizing.ts.
import { withExif } from "./exif";
import { firstAttempt, fitWithin, keepOriginal, MAX_TRIES, nextAttempt, TARGET_BYTES, type Attempt } from "./sizing";

export interface Compressed {
  blob: Blob;
  width: number;
  height: number;
  tries: number;
  original: number;
}

async function decode(file: Blob): Promise<ImageBitmap | HTMLImageElement> {
  if (typeof createImageBitmap === "function") {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch {
      // older WebViews: fall back to an <img>, which applies EXIF orientation itself
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The photo drawn at one size; a second try at the same size only encodes it again. */
function draw(source: ImageBitmap | HTMLImageElement, width: number, height: number): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("canvas unavailable");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(source, 0, 0, width, height);
  return canvas;
}

function encode(canvas: HTMLCanvasElement, quality: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error("encode failed"))), "image/jpeg", quality));
}

export async function compressPhoto(file: Blob, target = TARGET_BYTES): Promise<Compressed> {
  const image = await decode(file);
  const width = "naturalWidth" in image ? image.naturalWidth : image.width;
  const height = "naturalHeight" in image ? image.naturalHeight : image.height;
  if (keepOriginal(file.type, file.size, width, height, target)) {
    return { blob: file, width, height, tries: 0, original: file.size };
  }
  const original = file.type === "image/jpeg" ? new Uint8Array(await file.arrayBuffer()) : null;
  let attempt: Attempt | null = firstAttempt(width, height);
  let best: { blob: Blob; width: number; height: number } | null = null;
  let tries = 0;
  let canvas: HTMLCanvasElement | null = null;
  while (attempt && tries < MAX_TRIES) {
    const size = fitWithin(width, height, attempt.edge);
    if (!canvas || canvas.width !== size.width || canvas.height !== size.height) {
      canvas = draw(image, size.width, size.height);
    }
    let blob = await encode(canvas, attempt.quality);
    if (original) {
      const bytes = withExif(new Uint8Array(await blob.arrayBuffer()), original);
      blob = new Blob([bytes as BlobPart], { type: "image/jpeg" });
    }
    tries += 1;
    best = { blob, ...size };
    attempt = nextAttempt(attempt, blob.size, target);
  }
  if ("close" in image) image.close();
  return { ...best!, tries, original: file.size };
}
