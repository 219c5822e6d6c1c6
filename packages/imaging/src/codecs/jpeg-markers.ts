/**
 * Just enough of the JPEG (ISO 10918-1 Annex B) and JPEG 2000 (ISO 15444-1 Annex A) codestream syntax to choose a
 * decoder and to know what colour the decoded samples are in: the SOF process and precision, JFIF/Adobe markers,
 * component identifiers, and the JPEG 2000 COD multiple-component-transform flag.
 */

export interface JpegHeader {
  /** SOF marker number: 0 baseline, 1 extended, 2 progressive, 3 lossless, 5–7/9–11/13–15 others. */
  process: number;
  precision: number;
  rows: number;
  columns: number;
  components: number;
  componentIds: number[];
  jfif: boolean;
  /** Adobe APP14 transform flag (0 none/RGB, 1 YCbCr, 2 YCCK), when the marker is present. */
  adobeTransform: number | undefined;
}

/** Reads markers up to the first SOF; undefined when the bytes are not a JPEG codestream. */
export function readJpegHeader(b: Uint8Array): JpegHeader | undefined {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return undefined;
  let i = 2;
  let jfif = false;
  let adobeTransform: number | undefined;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const m = b[i + 1]!;
    if (m === 0xff) {
      i++;
      continue;
    }
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    const seg = i + 4;
    if (m === 0xe0 && b[seg] === 0x4a && b[seg + 1] === 0x46 && b[seg + 2] === 0x49 && b[seg + 3] === 0x46)
      jfif = true;
    if (
      m === 0xee &&
      len >= 12 &&
      b[seg] === 0x41 &&
      b[seg + 1] === 0x64 &&
      b[seg + 2] === 0x6f &&
      b[seg + 3] === 0x62 &&
      b[seg + 4] === 0x65
    )
      adobeTransform = b[seg + 11];
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) {
      if (seg + 6 > b.length) return undefined;
      const components = b[seg + 5]!;
      const componentIds: number[] = [];
      for (let k = 0; k < components && seg + 6 + 3 * k < b.length; k++)
        componentIds.push(b[seg + 6 + 3 * k]!);
      return {
        process: m - 0xc0,
        precision: b[seg]!,
        rows: (b[seg + 1]! << 8) | b[seg + 2]!,
        columns: (b[seg + 3]! << 8) | b[seg + 4]!,
        components,
        componentIds,
        jfif,
        adobeTransform,
      };
    }
    i = seg + len - 2;
  }
  return undefined;
}

/**
 * Whether a JPEG decoder following libjpeg's rules (jdapimin.c) treats 3 components as YCbCr and so returns RGB:
 * JFIF says YCbCr; Adobe says by its transform flag; otherwise component ids 'R','G','B' mean RGB, anything else YCbCr.
 */
export function jpegIsYCbCr(h: JpegHeader): boolean {
  if (h.components !== 3) return false;
  if (h.jfif) return true;
  if (h.adobeTransform !== undefined) return h.adobeTransform !== 0;
  const [a, b, c] = h.componentIds;
  return !(a === 0x52 && b === 0x47 && c === 0x42);
}

/** The JPEG 2000 COD multiple component transformation flag (A.6.1): 1 when the codestream holds RCT/ICT-transformed components. */
export function j2kUsesMct(b: Uint8Array): boolean {
  let i = 0;
  // A JP2 file wraps the codestream in boxes: find the SOC marker.
  if (!(b[0] === 0xff && b[1] === 0x4f)) {
    const at = findSoc(b);
    if (at < 0) return false;
    i = at;
  }
  i += 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return false;
    const m = b[i + 1]!;
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (m === 0x52) return b[i + 4 + 4] === 1; // Scod, progression order, layers (2), MCT
    if (m === 0x90) return false; // SOT: main header ended without COD
    i += 2 + len;
  }
  return false;
}

function findSoc(b: Uint8Array): number {
  const n = Math.min(b.length - 1, 4096);
  for (let i = 0; i < n; i++)
    if (b[i] === 0xff && b[i + 1] === 0x4f && b[i + 2] === 0xff && b[i + 3] === 0x51) return i;
  return -1;
}

/**
 * Guesses the transfer syntax of an encapsulated frame from its first bytes, for files whose transfer syntax
 * says native but whose Pixel Data is encapsulated (seen in the wild): JPEG-LS (SOF55), JPEG lossless (SOF3),
 * other JPEG, JPEG 2000 / HTJ2K (SOC + SIZ; CAP marker → HTJ2K), RLE (a 64-byte header with 1..15 segments).
 */
export function sniffTransferSyntax(b: Uint8Array): string | undefined {
  const h = readJpegHeader(b);
  if (h)
    return h.process === 0x37
      ? '1.2.840.10008.1.2.4.80'
      : h.process === 3
        ? '1.2.840.10008.1.2.4.57'
        : '1.2.840.10008.1.2.4.50';
  if (b.length > 4 && b[0] === 0xff && b[1] === 0x4f && b[2] === 0xff && b[3] === 0x51) {
    const sizLen = (b[4]! << 8) | b[5]!;
    const next = 4 + sizLen;
    return b[next] === 0xff && b[next + 1] === 0x50 ? '1.2.840.10008.1.2.4.201' : '1.2.840.10008.1.2.4.90';
  }
  if (b.length >= 64) {
    const n = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
    const first = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24);
    if (n >= 1 && n <= 15 && first === 64) return '1.2.840.10008.1.2.5';
  }
  return undefined;
}

/** The point transform Al of the first scan (SOS, ISO 10918-1 B.2.3): lossless streams keep value >> Al. */
export function jpegPointTransform(b: Uint8Array): number {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return 0;
    const m = b[i + 1]!;
    if (m === 0xff) {
      i++;
      continue;
    }
    const len = (b[i + 2]! << 8) | b[i + 3]!;
    if (m === 0xda) {
      const ns = b[i + 4]!;
      return b[i + 4 + 1 + 2 * ns + 2]! & 0x0f;
    }
    i += 2 + len;
  }
  return 0;
}

/** Whether a JPEG / JPEG-LS stream ends with EOI (FFD9), allowing a few bytes of padding after it (00 or FF, seen in the wild). */
export function endsWithEoi(b: Uint8Array): boolean {
  for (let i = b.length - 2; i >= Math.max(2, b.length - 32); i--)
    if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  return false;
}
