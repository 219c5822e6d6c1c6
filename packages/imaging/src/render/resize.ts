/**
 * Scaling 8-bit images for thumbnails: area averaging when shrinking (each output pixel is the mean of the
 * source pixels it covers), bilinear interpolation when enlarging.
 */
import type { RenderedImage } from './render.js';

/** The size that fits `size` × `size`, keeping the aspect ratio (never 0). */
export function fitWithin(width: number, height: number, size: number): [number, number] {
  const s = size / Math.max(width, height);
  return [Math.max(1, Math.round(width * s)), Math.max(1, Math.round(height * s))];
}

export function resize(img: RenderedImage, width: number, height: number): RenderedImage {
  if (width === img.width && height === img.height) return img;
  const ch = img.channels;
  const out = new Uint8Array(width * height * ch);
  const sx = img.width / width;
  const sy = img.height / height;
  if (sx >= 1 && sy >= 1) {
    const acc = new Float64Array(ch);
    for (let y = 0; y < height; y++) {
      const y0 = Math.floor(y * sy);
      const y1 = Math.max(y0 + 1, Math.floor((y + 1) * sy));
      for (let x = 0; x < width; x++) {
        const x0 = Math.floor(x * sx);
        const x1 = Math.max(x0 + 1, Math.floor((x + 1) * sx));
        acc.fill(0);
        for (let yy = y0; yy < y1; yy++) {
          let o = (yy * img.width + x0) * ch;
          for (let xx = x0; xx < x1; xx++) for (let k = 0; k < ch; k++) acc[k] += img.data[o++]!;
        }
        const n = (y1 - y0) * (x1 - x0);
        const o = (y * width + x) * ch;
        for (let k = 0; k < ch; k++) out[o + k] = Math.round(acc[k]! / n);
      }
    }
  } else {
    for (let y = 0; y < height; y++) {
      const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
      const y0 = Math.floor(fy);
      const y1 = Math.min(img.height - 1, y0 + 1);
      const wy = fy - y0;
      for (let x = 0; x < width; x++) {
        const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
        const x0 = Math.floor(fx);
        const x1 = Math.min(img.width - 1, x0 + 1);
        const wx = fx - x0;
        for (let k = 0; k < ch; k++) {
          const a = img.data[(y0 * img.width + x0) * ch + k]!;
          const b = img.data[(y0 * img.width + x1) * ch + k]!;
          const c = img.data[(y1 * img.width + x0) * ch + k]!;
          const d = img.data[(y1 * img.width + x1) * ch + k]!;
          out[(y * width + x) * ch + k] = Math.round(
            (a * (1 - wx) + b * wx) * (1 - wy) + (c * (1 - wx) + d * wx) * wy,
          );
        }
      }
    }
  }
  return { width, height, channels: ch, data: out };
}
