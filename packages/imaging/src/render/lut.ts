/**
 * The grayscale pipeline's transforms (PS3.4 Annex N.2, PS3.3 §C.11): Modality LUT (rescale or LUT sequence),
 * VOI LUT (window LINEAR / LINEAR_EXACT / SIGMOID, or a VOI LUT sequence), Presentation LUT (IDENTITY / INVERSE).
 * Each is a function from a number to a number, so a frame of integers can be mapped once per distinct value.
 */
import { DicomError, type Dataset } from '@dicomkit/core';

/** A lookup table from the LUT Descriptor (first value mapped, bits per entry) and LUT Data (PS3.3 §C.11.1.1). */
export interface Lut {
  firstMapped: number;
  bits: number;
  data: Uint16Array;
}

/** Reads a LUT item: LUT Descriptor (0028,3002) and LUT Data (0028,3006). `signedInput`: the first mapped value is SS. */
export function readLut(item: Dataset, signedInput: boolean): Lut {
  const desc = item.numbers('LUTDescriptor');
  if (desc.length < 3)
    throw new DicomError('INVALID_VALUE', 'LUT Descriptor needs three values', { tagPath: 'LUTDescriptor' });
  let n = desc[0]!;
  if (n === 0) n = 65536; // PS3.3 §C.11.1.1.1: 0 means 2^16 entries
  let first = desc[1]!;
  if (signedInput && first > 32767) first -= 65536;
  const bits = desc[2]!;
  if (bits < 1 || bits > 16)
    throw new DicomError('INVALID_VALUE', `LUT Descriptor bits ${bits} is out of range 1..16`, {
      tagPath: 'LUTDescriptor',
    });
  const el = item.get('LUTData');
  let data: Uint16Array;
  if (el && (el.vr === 'US' || el.vr === 'SS'))
    data = Uint16Array.from(item.numbers('LUTData'), (v) => v & 0xffff);
  else {
    const b = item.bytes('LUTData') ?? new Uint8Array(0);
    // 8-bit entries are sometimes packed two per 16-bit word (OW with bits 8 and n*1 bytes).
    if (bits <= 8 && b.length === n) data = Uint16Array.from(b);
    else {
      const c = new Uint8Array(b.length - (b.length % 2));
      c.set(b.subarray(0, c.length));
      data = new Uint16Array(c.buffer, 0, c.length / 2);
    }
  }
  if (data.length < n)
    throw new DicomError('INVALID_VALUE', `LUT Data has ${data.length} entries; the descriptor says ${n}`, {
      tagPath: 'LUTData',
    });
  return { firstMapped: first, bits, data: data.subarray(0, n) };
}

/** A LUT applied to a value: clamped at both ends (PS3.3 §C.11.1.1.1). */
export function lookup(lut: Lut, x: number): number {
  const i = Math.round(x) - lut.firstMapped;
  if (i <= 0) return lut.data[0]!;
  if (i >= lut.data.length) return lut.data[lut.data.length - 1]!;
  return lut.data[i]!;
}

/** Whether a LUT item has a descriptor and data (some writers leave empty items). */
export function hasLut(item: Dataset | undefined): item is Dataset {
  if (item === undefined || item.numbers('LUTDescriptor').length < 3) return false;
  const el = item.get('LUTData');
  if (!el) return false;
  const decoded = el.isDecoded ? el.decoded : undefined;
  return el.length > 0 || (decoded !== undefined && (decoded as { length: number }).length > 0);
}

export type ModalityTransform = (storedValue: number) => number;

/** The Modality LUT (PS3.3 §C.11.1): the Modality LUT Sequence when present, else Rescale Slope/Intercept, else identity. */
export function modalityTransform(ds: Dataset, signed: boolean): ModalityTransform {
  const item = ds.sequence('ModalityLUTSequence')[0];
  if (hasLut(item)) {
    const lut = readLut(item, signed);
    return (x) => lookup(lut, x);
  }
  const slope = ds.number('RescaleSlope') ?? 1;
  const intercept = ds.number('RescaleIntercept') ?? 0;
  if (slope === 1 && intercept === 0) return (x) => x;
  return (x) => x * slope + intercept;
}

export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';

export interface Window {
  center: number;
  width: number;
  function?: VoiFunction;
}

/** A VOI transform: modality value → [0, 1]. */
export type VoiTransform = (x: number) => number;

/** Window Center/Width to [0, 1] (PS3.3 §C.11.2.1.2.1, .2.1.3.1, .2.1.3.2). */
export function windowTransform(w: Window): VoiTransform {
  const c = w.center;
  const width = w.width;
  switch (w.function ?? 'LINEAR') {
    case 'LINEAR_EXACT': {
      if (width <= 0)
        throw new DicomError('INVALID_VALUE', `Window Width ${width} must be > 0 for LINEAR_EXACT`);
      const lo = c - width / 2;
      const hi = c + width / 2;
      return (x) => (x <= lo ? 0 : x > hi ? 1 : (x - c) / width + 0.5);
    }
    case 'SIGMOID': {
      if (width <= 0) throw new DicomError('INVALID_VALUE', `Window Width ${width} must be > 0 for SIGMOID`);
      return (x) => 1 / (1 + Math.exp((-4 * (x - c)) / width));
    }
    default: {
      if (width < 1) throw new DicomError('INVALID_VALUE', `Window Width ${width} must be ≥ 1 for LINEAR`);
      const lo = c - 0.5 - (width - 1) / 2;
      const hi = c - 0.5 + (width - 1) / 2;
      if (width === 1) return (x) => (x <= lo ? 0 : 1);
      return (x) => (x <= lo ? 0 : x > hi ? 1 : (x - (c - 0.5)) / (width - 1) + 0.5);
    }
  }
}

/** The windows a dataset carries (Window Center/Width, with VOI LUT Function), in order. */
export function datasetWindows(ds: Dataset): Window[] {
  const centers = ds.numbers('WindowCenter');
  const widths = ds.numbers('WindowWidth');
  const fn = (ds.string('VOILUTFunction') ?? 'LINEAR').trim().toUpperCase();
  const out: Window[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    if (!Number.isFinite(centers[i]) || !Number.isFinite(widths[i]) || widths[i]! <= 0) continue;
    out.push({
      center: centers[i]!,
      width: widths[i]!,
      function: fn === 'SIGMOID' || fn === 'LINEAR_EXACT' ? fn : 'LINEAR',
    });
  }
  return out;
}

/** A VOI LUT Sequence item as a transform to [0, 1] (PS3.3 §C.11.2.1.1). */
export function voiLutTransform(item: Dataset, signed: boolean): VoiTransform {
  const lut = readLut(item, signed);
  // Some writers declare 16 bits and store fewer: scale by the bits the data really uses, as dcmtk does.
  let max = 0;
  for (const v of lut.data) if (v > max) max = v;
  let bits = lut.bits;
  while (bits > 8 && max < 2 ** (bits - 1)) bits--;
  const top = 2 ** bits - 1;
  return (x) => lookup(lut, x) / top;
}
