/**
 * Encapsulated Pixel Data: the Basic Offset Table item, then one item per fragment (PS3.5 §A.4).
 * Fragments stay in their source until read; frames are located through the Basic Offset Table,
 * the Extended Offset Table (7FE0,0001), one fragment per frame, or by scanning for frame starts.
 */
import type { BulkDataRef } from './bulk.js';
import { readBulk } from './bulk.js';
import { DicomError } from '../errors.js';

export interface Fragment {
  /** Bytes held in memory (a view), when the fragment was read with the dataset. */
  bytes?: Uint8Array;
  /** Where the fragment's value sits in the source, when it was left there. */
  ref?: BulkDataRef;
  /** Byte offset of the fragment's item header in the source, when known. */
  offset?: number;
  readonly length: number;
}

export class EncapsulatedPixelData {
  constructor(
    /** Basic Offset Table values (byte offsets of each frame's first fragment, from the first fragment's item tag). */
    public basicOffsetTable: Uint32Array,
    public fragments: Fragment[],
  ) {}

  fragmentBytes(i: number): Uint8Array {
    const f = this.fragments[i];
    if (!f) throw new DicomError('INVALID_VALUE', `no fragment ${i} (there are ${this.fragments.length})`);
    if (f.bytes) return f.bytes;
    if (f.ref) return readBulk(f.ref);
    return new Uint8Array(0);
  }

  /** Offsets of each fragment's item tag relative to the first fragment's item tag (what offset tables count in). */
  fragmentPositions(): number[] {
    const pos: number[] = [];
    let p = 0;
    for (const f of this.fragments) {
      pos.push(p);
      p += 8 + f.length;
    }
    return pos;
  }

  /**
   * The fragment indices [first, end) of each frame. Uses, in order: the Extended Offset Table, the Basic
   * Offset Table, one fragment per frame when the counts match, a single frame spanning all fragments.
   * (Frames with an empty offset table and several fragments each are found by {@link framesByStartMarker}.)
   */
  frameFragmentRanges(
    numberOfFrames: number,
    extendedOffsets?: readonly bigint[] | readonly number[],
  ): [number, number][] {
    // Cached per (frames, offsets): locating frame N must not cost a pass over every fragment each time.
    const eot = extendedOffsets ?? [];
    const key = `${numberOfFrames}:${eot.length}:${eot[0] ?? ''}:${eot[eot.length - 1] ?? ''}:${this.fragments.length}:${this.basicOffsetTable.length}`;
    if (this.rangesKey === key && this.ranges) return this.ranges;
    this.ranges = this.computeRanges(numberOfFrames, extendedOffsets);
    this.rangesKey = key;
    return this.ranges;
  }

  private ranges: [number, number][] | undefined;
  private rangesKey = '';

  private computeRanges(
    numberOfFrames: number,
    extendedOffsets?: readonly bigint[] | readonly number[],
  ): [number, number][] {
    const n = this.fragments.length;
    const offsets = extendedOffsets?.length
      ? extendedOffsets.map(Number)
      : this.basicOffsetTable.length
        ? Array.from(this.basicOffsetTable)
        : undefined;
    if (offsets) {
      const pos = this.fragmentPositions();
      const index = new Map(pos.map((p, i) => [p, i]));
      const starts = offsets.map((o) => {
        const i = index.get(o);
        if (i === undefined)
          throw new DicomError('INVALID_VALUE', `offset table entry ${o} does not point at a fragment`);
        return i;
      });
      return starts.map((s, k) => [s, k + 1 < starts.length ? starts[k + 1]! : n]);
    }
    if (numberOfFrames <= 1) return n === 0 ? [] : [[0, n]];
    if (n === numberOfFrames) return Array.from({ length: n }, (_, i) => [i, i + 1] as [number, number]);
    return this.framesByStartMarker(numberOfFrames);
  }

  /** Scans fragments for codestream start markers (JPEG SOI FFD8, JPEG 2000 SOC FF4F, JPEG-LS SOI) to find frame starts. */
  framesByStartMarker(numberOfFrames: number): [number, number][] {
    const starts: number[] = [];
    for (let i = 0; i < this.fragments.length; i++) {
      // Only the first two bytes of each fragment: fragments left in the file are not read whole.
      const f = this.fragments[i]!;
      const head =
        f.bytes ?? (f.ref ? readBulk({ ...f.ref, length: Math.min(2, f.ref.length) }) : new Uint8Array(0));
      if (head.length >= 2 && head[0] === 0xff && (head[1] === 0xd8 || head[1] === 0x4f)) starts.push(i);
    }
    if (starts.length !== numberOfFrames) {
      throw new DicomError(
        'INVALID_VALUE',
        `cannot locate ${numberOfFrames} frames in ${this.fragments.length} fragments without an offset table`,
      );
    }
    return starts.map((s, k) => [s, k + 1 < starts.length ? starts[k + 1]! : this.fragments.length]);
  }

  /** The bytes of frame `index` (0-based), concatenated across its fragments. */
  frame(
    index: number,
    numberOfFrames: number,
    extendedOffsets?: readonly bigint[] | readonly number[],
  ): Uint8Array {
    const ranges = this.frameFragmentRanges(numberOfFrames, extendedOffsets);
    const r = ranges[index];
    if (!r) throw new DicomError('INVALID_VALUE', `frame ${index + 1} is out of range (1..${ranges.length})`);
    if (r[1] - r[0] === 1) return this.fragmentBytes(r[0]);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = r[0]; i < r[1]; i++) {
      const b = this.fragmentBytes(i);
      parts.push(b);
      total += b.length;
    }
    const out = new Uint8Array(total);
    let p = 0;
    for (const b of parts) {
      out.set(b, p);
      p += b.length;
    }
    return out;
  }
}
