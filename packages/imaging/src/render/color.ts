/**
 * Colour models of PS3.3 §C.7.6.3.1.2: YBR_FULL (and YBR_FULL_422 once expanded) to RGB with the ITU-R BT.601
 * full-range equations, its inverse, and YBR_RCT / YBR_ICT (JPEG 2000 component transforms, ISO 15444-1 Annex G).
 */

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** YBR_FULL → RGB, 8-bit interleaved, into a new array (PS3.3 §C.7.6.3.1.2). */
export function ybrFullToRgb(p: ArrayLike<number>, out: Uint8Array = new Uint8Array(p.length)): Uint8Array {
  for (let i = 0; i + 2 < p.length; i += 3) {
    const y = p[i]!;
    const cb = p[i + 1]! - 128;
    const cr = p[i + 2]! - 128;
    out[i] = clamp8(y + 1.402 * cr);
    out[i + 1] = clamp8(y - 0.344136 * cb - 0.714136 * cr);
    out[i + 2] = clamp8(y + 1.772 * cb);
  }
  return out;
}

/** RGB → YBR_FULL, 8-bit interleaved, into a new array. */
export function rgbToYbrFull(p: ArrayLike<number>, out: Uint8Array = new Uint8Array(p.length)): Uint8Array {
  for (let i = 0; i + 2 < p.length; i += 3) {
    const r = p[i]!;
    const g = p[i + 1]!;
    const b = p[i + 2]!;
    out[i] = clamp8(0.299 * r + 0.587 * g + 0.114 * b);
    out[i + 1] = clamp8(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
    out[i + 2] = clamp8(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
  }
  return out;
}

/** YBR_RCT → RGB (reversible component transform, ISO 15444-1 G.2), for samples a decoder left transformed. */
export function ybrRctToRgb(p: ArrayLike<number>, out: Uint8Array = new Uint8Array(p.length)): Uint8Array {
  for (let i = 0; i + 2 < p.length; i += 3) {
    const y = p[i]!;
    const cb = p[i + 1]! - 128;
    const cr = p[i + 2]! - 128;
    const g = y - Math.floor((cb + cr) / 4);
    out[i] = clamp8(cr + g);
    out[i + 1] = clamp8(g);
    out[i + 2] = clamp8(cb + g);
  }
  return out;
}

/** YBR_ICT → RGB (irreversible component transform, ISO 15444-1 G.3): the same equations as YBR_FULL. */
export const ybrIctToRgb = ybrFullToRgb;
