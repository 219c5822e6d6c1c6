/**
 * Overlay planes (PS3.3 §C.9.2): groups 6000–601E with Overlay Rows/Columns, Origin, Bits Allocated 1 and
 * Overlay Data packed like 1-bit pixel data. Burned in on request, as the display would show them.
 */
import type { Dataset } from '@dicomkit/core';
import { unpackBits } from '../frames/native.js';

export interface OverlayPlane {
  group: number;
  rows: number;
  columns: number;
  /** 1-based row and column of the overlay's first pixel on the image (Overlay Origin). */
  origin: [number, number];
  /** 0/1 per overlay pixel, frame by frame. */
  bits: Uint8Array;
  frames: number;
  /** 1-based image frame the overlay's first frame applies to (Image Frame Origin). */
  imageFrameOrigin: number;
}

/** The overlay planes with Overlay Data (60xx,3000) in a dataset. */
export function overlayPlanes(ds: Dataset): OverlayPlane[] {
  const out: OverlayPlane[] = [];
  for (let g = 0x6000; g <= 0x601e; g += 2) {
    const t = (e: number) => ((g << 16) | e) >>> 0;
    const data = ds.bytes(t(0x3000));
    if (!data) continue;
    const rows = ds.number(t(0x0010));
    const columns = ds.number(t(0x0011));
    if (!rows || !columns) continue;
    const o = ds.numbers(t(0x0050));
    const frames = ds.number(t(0x0015)) ?? 1;
    const count = Math.min(rows * columns * frames, data.length * 8);
    out.push({
      group: g,
      rows,
      columns,
      origin: [o[0] ?? 1, o[1] ?? 1],
      bits: unpackBits(data, 0, count),
      frames,
      imageFrameOrigin: ds.number(t(0x0051)) ?? 1,
    });
  }
  return out;
}

/** Burns the overlays that apply to frame `index` (0-based) into 8-bit output (`channels` per pixel) as white. */
export function burnOverlays(
  planes: OverlayPlane[],
  index: number,
  out: Uint8Array,
  width: number,
  height: number,
  channels: number,
): void {
  for (const p of planes) {
    const f = index + 1 - p.imageFrameOrigin;
    if (f < 0 || f >= p.frames) continue;
    const base = f * p.rows * p.columns;
    for (let r = 0; r < p.rows; r++) {
      const y = r + p.origin[0] - 1;
      if (y < 0 || y >= height) continue;
      for (let c = 0; c < p.columns; c++) {
        const x = c + p.origin[1] - 1;
        if (x < 0 || x >= width || !p.bits[base + r * p.columns + c]) continue;
        const o = (y * width + x) * channels;
        for (let k = 0; k < channels; k++) out[o + k] = 255;
      }
    }
  }
}
