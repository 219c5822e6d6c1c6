/**
 * A PixelDescription for a bare codestream (the ISO conformance streams carry no DICOM header): rows, columns,
 * components, precision and signedness from the codestream's own frame header.
 */
import type { PixelDescription } from '../src/index.js';

export function describe(
  rows: number,
  columns: number,
  samples: number,
  bits: number,
  signed = false,
): PixelDescription {
  const container = bits > 8 ? 16 : 8;
  return {
    rows,
    columns,
    samplesPerPixel: samples,
    bitsAllocated: container,
    bitsStored: bits,
    highBit: bits - 1,
    pixelRepresentation: signed ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: samples === 3 ? 'RGB' : 'MONOCHROME2',
    numberOfFrames: 1,
    pixelDataTag: 0x7fe00010,
    float: false,
  };
}

/** Rows, columns, components and precision from a JPEG-LS SOF55 segment (ITU-T T.87 §C.2.2). */
export function jlsDescription(b: Uint8Array): PixelDescription {
  for (let i = 2; i + 9 < b.length;) {
    const m = b[i + 1]!;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (m === 0xf7)
      return describe((b[i + 5]! << 8) | b[i + 6]!, (b[i + 7]! << 8) | b[i + 8]!, b[i + 9]!, b[i + 4]!);
    i += 2 + len;
  }
  throw new Error('no SOF55');
}

/** Size, components and precision from a JPEG 2000 SIZ segment (ISO 15444-1 A.5.1). */
export function j2kDescription(b: Uint8Array): PixelDescription {
  const v = new DataView(b.buffer, b.byteOffset);
  const x = v.getUint32(8) - v.getUint32(16);
  const y = v.getUint32(12) - v.getUint32(20);
  const c = v.getUint16(40);
  const ssiz = b[42]!;
  return describe(y, x, c, (ssiz & 0x7f) + 1, (ssiz & 0x80) !== 0);
}
