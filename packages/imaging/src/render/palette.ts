/**
 * PALETTE COLOR (PS3.3 §C.7.6.3.1.5–6, §C.7.9): Red/Green/Blue Palette Color Lookup Table Descriptor and Data,
 * or the Segmented Palette Color LUT Data (discrete, linear and indirect segments, §C.7.9.2).
 */
import { DicomError, type Dataset } from '@dicomkit/core';

export interface Palette {
  firstMapped: number;
  bits: number;
  red: Uint16Array;
  green: Uint16Array;
  blue: Uint16Array;
}

function words(ds: Dataset, keyword: string): Uint16Array | undefined {
  const b = ds.bytes(keyword);
  if (!b) return undefined;
  const c = new Uint8Array(b.length - (b.length % 2));
  c.set(b.subarray(0, c.length));
  return new Uint16Array(c.buffer, 0, c.length / 2);
}

/** Expands segmented LUT data (PS3.3 §C.7.9.2) to `n` entries. Bounded: never more than n entries, no recursion. */
export function expandSegmented(seg: Uint16Array, n: number): Uint16Array {
  const out: number[] = [];
  const run = (start: number, end: number, depth: number): void => {
    let i = start;
    while (i + 1 < end && out.length < n) {
      const type = seg[i]!;
      const len = seg[i + 1]!;
      if (type === 0) {
        for (let k = 0; k < len && i + 2 + k < end && out.length < n; k++) out.push(seg[i + 2 + k]!);
        i += 2 + len;
      } else if (type === 1) {
        if (out.length === 0)
          throw new DicomError('INVALID_VALUE', 'a linear palette segment has no previous value', {
            tagPath: 'SegmentedRedPaletteColorLookupTableData',
          });
        const y0 = out[out.length - 1]!;
        const y1 = seg[i + 2] ?? y0;
        for (let k = 1; k <= len && out.length < n; k++) out.push(Math.round(y0 + ((y1 - y0) * k) / len));
        i += 3;
      } else if (type === 2) {
        if (depth > 0)
          throw new DicomError(
            'INVALID_VALUE',
            'an indirect palette segment points at another indirect segment',
            { tagPath: 'SegmentedRedPaletteColorLookupTableData' },
          );
        const offset = (seg[i + 2] ?? 0) | ((seg[i + 3] ?? 0) << 16);
        // Copy `len` segments starting at word `offset`.
        let j = offset;
        for (let s = 0; s < len && j + 1 < seg.length; s++) {
          const t = seg[j]!;
          const l = seg[j + 1]!;
          const size = t === 0 ? 2 + l : t === 1 ? 3 : 4;
          run(j, Math.min(seg.length, j + size), depth + 1);
          j += size;
        }
        i += 4;
      } else
        throw new DicomError('INVALID_VALUE', `unknown palette segment type ${type}`, {
          tagPath: 'SegmentedRedPaletteColorLookupTableData',
        });
    }
  };
  run(0, seg.length, 0);
  const result = new Uint16Array(n);
  result.set(out.slice(0, n));
  if (out.length > 0 && out.length < n) result.fill(out[out.length - 1]!, out.length);
  return result;
}

/** Reads the palette of a PALETTE COLOR image. */
export function readPalette(ds: Dataset): Palette {
  const channel = (name: 'Red' | 'Green' | 'Blue') => {
    const desc = ds.numbers(`${name}PaletteColorLookupTableDescriptor`);
    if (desc.length < 3)
      throw new DicomError('INVALID_VALUE', `${name} Palette Color Lookup Table Descriptor is missing`, {
        tagPath: `${name}PaletteColorLookupTableDescriptor`,
      });
    const n = desc[0] === 0 ? 65536 : desc[0]!;
    let first = desc[1]!;
    if (ds.number('PixelRepresentation') === 1 && first > 32767) first -= 65536;
    const bits = desc[2]!;
    const segmented = words(ds, `Segmented${name}PaletteColorLookupTableData`);
    let data = segmented ? expandSegmented(segmented, n) : words(ds, `${name}PaletteColorLookupTableData`);
    if (!data)
      throw new DicomError('INVALID_VALUE', `${name} Palette Color Lookup Table Data is missing`, {
        tagPath: `${name}PaletteColorLookupTableData`,
      });
    // 8-bit entries packed two per word (the data holds n bytes, not n words).
    if (bits === 8 && data.length * 2 === n + (n % 2) && !segmented) {
      const b = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      data = Uint16Array.from(b.subarray(0, n));
    }
    if (data.length < n)
      throw new DicomError(
        'INVALID_VALUE',
        `${name} palette has ${data.length} entries; the descriptor says ${n}`,
        { tagPath: `${name}PaletteColorLookupTableData` },
      );
    return { first, bits, data: data.subarray(0, n) };
  };
  const r = channel('Red');
  const g = channel('Green');
  const b = channel('Blue');
  return { firstMapped: r.first, bits: r.bits, red: r.data, green: g.data, blue: b.data };
}

/** Palette entry → 8 bits: 16-bit entries keep their high byte; entries declared 16 bits that hold only 8 are kept. */
export function paletteTo8(p: Palette): { r: Uint8Array; g: Uint8Array; b: Uint8Array } {
  let max = 0;
  for (const ch of [p.red, p.green, p.blue]) for (const v of ch) if (v > max) max = v;
  const shift = p.bits > 8 && max > 255 ? 8 : 0;
  const conv = (c: Uint16Array) => Uint8Array.from(c, (v) => Math.min(255, v >> shift));
  return { r: conv(p.red), g: conv(p.green), b: conv(p.blue) };
}
