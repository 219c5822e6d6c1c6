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
import type { DecodedFrame, EncodedFrame, EncodeOptions, FrameCodec } from '../codecs/codec.js';
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

/** What decoding one frame needs: the native frame, already sliced, or the codestream and the codec to use. */
export type FrameSource =
  | { kind: 'native'; frame: Frame }
  | {
      kind: 'encapsulated';
      index: number;
      /** The frame's fragments, concatenated (PS3.5 §A.4). */
      bytes: Uint8Array;
      /** The transfer syntax whose codec decodes `bytes`. */
      transferSyntaxUid: string;
      description: PixelDescription;
    };

/**
 * Locates frame `index` (0-based): slices native pixel data, or reads only the frame's fragments of encapsulated
 * pixel data. The first half of {@link getFrame}; a decode pool runs the second half in a worker.
 */
export function frameSource(
  ds: Dataset,
  transferSyntax: TransferSyntax | string,
  index: number,
  options: FrameOptions = {},
): FrameSource {
  const ts = resolveTs(transferSyntax);
  const d = pixelDescription(ds);
  checkSize(d, options);
  const el = ds.get(d.pixelDataTag)!;
  if (!el.encapsulated)
    return {
      kind: 'native',
      frame: { index, pixels: nativeFrame(el, d, index), description: decodedDescription(d) },
    };
  const bytes = encapsulatedFrameBytes(ds, index, d);
  // A native transfer syntax with encapsulated Pixel Data (seen in the wild): the codestream says what it is.
  const uid = ts.encapsulated ? ts.uid : (sniffTransferSyntax(bytes) ?? ts.uid);
  return { kind: 'encapsulated', index, bytes, transferSyntaxUid: uid, description: d };
}

/** Runs a codec on one frame, turning whatever it throws into a DicomError that names the codec and the frame. */
export async function decodeWithCodec(
  codec: FrameCodec,
  bytes: Uint8Array,
  d: PixelDescription,
  index: number,
): Promise<DecodedFrame> {
  try {
    return await codec.decode(bytes, d);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    // Emscripten codecs throw C++ exceptions as bare numbers: say what it means instead.
    const why = e instanceof Error ? e.message : `the codestream is invalid (codec error ${String(e)})`;
    throw new DicomError('INVALID_VALUE', `${codec.name} could not decode frame ${index + 1}: ${why}`, {
      cause: e,
      tagPath: 'PixelData',
    });
  }
}

/** Runs a codec's encoder on one frame, turning whatever it throws into a DicomError that names the codec and frame. */
export async function encodeWithCodec(
  codec: FrameCodec,
  pixels: PixelArray,
  d: PixelDescription,
  options: EncodeOptions,
  index: number,
): Promise<EncodedFrame> {
  if (!codec.encode) throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', `${codec.name} cannot encode`);
  try {
    return await codec.encode(pixels, d, options);
  } catch (e) {
    if (e instanceof DicomError) throw e;
    const why = e instanceof Error ? e.message : `codec error ${String(e)}`;
    throw new DicomError('INVALID_VALUE', `${codec.name} could not encode frame ${index + 1}: ${why}`, {
      cause: e,
    });
  }
}

/** Checks a codec's output against the description and says what the decoded samples are. */
export function decodedFrame(index: number, d: PixelDescription, decoded: DecodedFrame): Frame {
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
  const src = frameSource(ds, transferSyntax, index, options);
  if (src.kind === 'native') return src.frame;
  const codec = await getCodec(src.transferSyntaxUid);
  return decodedFrame(
    index,
    src.description,
    await decodeWithCodec(codec, src.bytes, src.description, index),
  );
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
