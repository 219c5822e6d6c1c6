/**
 * Frames as typed arrays, in every transfer syntax: native pixel data is sliced (PS3.5 §8.1.1), encapsulated
 * pixel data (PS3.5 §A.4) is located through the Extended or Basic Offset Table and only that frame's
 * fragments are read and handed to the transfer syntax's codec.
 */
import {
  DicomError,
  EncapsulatedPixelData,
  ExtendedOffsetTableTag,
  transferSyntaxOrDefault,
  type Dataset,
  type TransferSyntax,
} from '@dicomkit/core';
import { pixelDescription, samplesPerFrame, type PixelDescription } from './description.js';
import { nativeFrame } from './native.js';
import type { PixelArray } from './pixel-array.js';
import { getCodec } from '../codecs/registry.js';
import { sniffTransferSyntax } from '../codecs/jpeg-markers.js';

export interface Frame {
  /** 0-based frame index. */
  index: number;
  /** Samples interleaved (colour-by-pixel) whatever the source's Planar Configuration; values as stored in their container. */
  pixels: PixelArray;
  /**
   * What the pixels are: the dataset's description, with Planar Configuration 0 (the array is interleaved) and the
   * Photometric Interpretation the decoded samples have (e.g. YBR_FULL for expanded YBR_FULL_422, RGB where a JPEG
   * decoder converted colour).
   */
  description: PixelDescription;
}

export interface FrameOptions {
  /** Refuse frames whose decoded size exceeds this many bytes (default 1 GiB). */
  maxFrameBytes?: number;
}

function resolveTs(ts: TransferSyntax | string): TransferSyntax {
  return typeof ts === 'string' ? transferSyntaxOrDefault(ts) : ts;
}

/** The Extended Offset Table (7FE0,0001) as numbers, when present (PS3.3 §C.7.6.3.1.8). */
export function extendedOffsets(ds: Dataset): number[] | undefined {
  const b = ds.bytes(ExtendedOffsetTableTag);
  if (!b || b.length === 0) return undefined;
  if (b.length % 8 !== 0)
    throw new DicomError(
      'INVALID_LENGTH',
      `the Extended Offset Table has ${b.length} bytes, not a multiple of 8`,
      { tagPath: 'ExtendedOffsetTable' },
    );
  const v = new DataView(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 8) {
    const x = v.getBigUint64(i, true);
    if (x > BigInt(Number.MAX_SAFE_INTEGER))
      throw new DicomError('INVALID_VALUE', `Extended Offset Table entry ${x} is too large`, {
        tagPath: 'ExtendedOffsetTable',
      });
    out.push(Number(x));
  }
  return out;
}

/** The encapsulated Pixel Data of a dataset, or undefined when its pixel data is native. */
export function encapsulatedPixelData(ds: Dataset): EncapsulatedPixelData | undefined {
  const v = ds.get(0x7fe00010)?.encapsulated;
  return v instanceof EncapsulatedPixelData ? v : undefined;
}

/** The compressed bytes of frame `index` (0-based) of encapsulated pixel data: only its fragments are read. */
export function encapsulatedFrameBytes(
  ds: Dataset,
  index: number,
  d: PixelDescription = pixelDescription(ds),
): Uint8Array {
  const enc = encapsulatedPixelData(ds);
  if (!enc)
    throw new DicomError('INVALID_VALUE', 'the pixel data is not encapsulated', { tagPath: 'PixelData' });
  if (!Number.isInteger(index) || index < 0 || index >= d.numberOfFrames) {
    throw new DicomError('INVALID_VALUE', `frame ${index + 1} is out of range (1..${d.numberOfFrames})`);
  }
  return enc.frame(index, d.numberOfFrames, extendedOffsets(ds));
}

function checkSize(d: PixelDescription, options: FrameOptions): void {
  const max = options.maxFrameBytes ?? 2 ** 30;
  const bytes = samplesPerFrame(d) * Math.max(1, d.bitsAllocated / 8);
  if (bytes > max)
    throw new DicomError(
      'VALUE_TOO_LONG',
      `a frame of ${bytes} bytes exceeds the limit of ${max} (maxFrameBytes)`,
    );
}

/** The description of a decoded frame: interleaved samples, and the photometric interpretation they now have. */
function decodedDescription(d: PixelDescription, photometric?: string): PixelDescription {
  let pi = photometric ?? d.photometricInterpretation;
  if (!photometric && d.photometricInterpretation === 'YBR_FULL_422') pi = 'YBR_FULL';
  return { ...d, planarConfiguration: 0, photometricInterpretation: pi };
}

/**
 * Frame `index` (0-based) of a dataset's pixel data, decoded: native data is sliced, encapsulated data goes through
 * the codec registered for the transfer syntax (loaded on first use).
 */
export async function getFrame(
  ds: Dataset,
  transferSyntax: TransferSyntax | string,
  index: number,
  options: FrameOptions = {},
): Promise<Frame> {
  const ts = resolveTs(transferSyntax);
  const d = pixelDescription(ds);
  checkSize(d, options);
  const el = ds.get(d.pixelDataTag)!;
  if (!el.encapsulated)
    return { index, pixels: nativeFrame(el, d, index), description: decodedDescription(d) };
  const bytes = encapsulatedFrameBytes(ds, index, d);
  // A native transfer syntax with encapsulated Pixel Data (seen in the wild): the codestream says what it is.
  const uid = ts.encapsulated ? ts.uid : (sniffTransferSyntax(bytes) ?? ts.uid);
  const codec = await getCodec(uid);
  let decoded;
  try {
    decoded = await codec.decode(bytes, d);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    // Emscripten codecs throw C++ exceptions as bare numbers: say what it means instead.
    const why = e instanceof Error ? e.message : `the codestream is invalid (codec error ${String(e)})`;
    throw new DicomError('INVALID_VALUE', `${codec.name} could not decode frame ${index + 1}: ${why}`, {
      cause: e,
      tagPath: 'PixelData',
    });
  }
  const want = samplesPerFrame(d);
  if (decoded.pixels.length !== want) {
    throw new DicomError(
      'INVALID_LENGTH',
      `frame ${index + 1} decodes to ${decoded.pixels.length} samples; Rows × Columns × Samples per Pixel is ${want}`,
      { tagPath: 'PixelData' },
    );
  }
  return {
    index,
    pixels: decoded.pixels,
    description: decodedDescription(d, decoded.photometricInterpretation),
  };
}

/** Frame `index` of native pixel data, synchronously (no codec needed). Throws for encapsulated data. */
export function getNativeFrame(ds: Dataset, index: number, options: FrameOptions = {}): Frame {
  const d = pixelDescription(ds);
  checkSize(d, options);
  const el = ds.get(d.pixelDataTag)!;
  if (el.encapsulated)
    throw new DicomError('INVALID_VALUE', 'the pixel data is encapsulated: use getFrame', {
      tagPath: 'PixelData',
    });
  return { index, pixels: nativeFrame(el, d, index), description: decodedDescription(d) };
}

/** Every frame in turn (one in memory at a time unless the caller keeps them). */
export async function* frames(
  ds: Dataset,
  transferSyntax: TransferSyntax | string,
  options: FrameOptions = {},
): AsyncGenerator<Frame> {
  const d = pixelDescription(ds);
  for (let i = 0; i < d.numberOfFrames; i++) yield await getFrame(ds, transferSyntax, i, options);
}
