/** Small measures for the tests: PSNR and a reference YBR_FULL → RGB conversion (PS3.3 §C.7.6.3.1.2). */
import type { PixelArray } from '../src/index.js';

export function psnr(a: PixelArray, b: PixelArray, peak: number): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Number(a[i]) - Number(b[i]);
    se += d * d;
  }
  if (se === 0) return Infinity;
  return 10 * Math.log10((peak * peak) / (se / a.length));
}

export function ybrFullToRgb(p: PixelArray): Uint8Array {
  const out = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i += 3) {
    const y = Number(p[i]);
    const cb = Number(p[i + 1]) - 128;
    const cr = Number(p[i + 2]) - 128;
    out[i] = Math.min(255, Math.max(0, Math.round(y + 1.402 * cr)));
    out[i + 1] = Math.min(255, Math.max(0, Math.round(y - 0.344136 * cb - 0.714136 * cr)));
    out[i + 2] = Math.min(255, Math.max(0, Math.round(y + 1.772 * cb)));
  }
  return out;
}

/** n pseudo-random integers in [min, max] (a linear congruential generator: the same for a seed). */
export function noise(n: number, min: number, max: number, seed: number): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    out.push(min + (s % (max - min + 1)));
  }
  return out;
}
