/**
 * Transcoding pixel data between transfer syntaxes (PS3.5 §8.2, §10, Annex A): decode each frame with the source's
 * codec, encode it with the target's, and update what the standard ties to the encoding:
 * - Photometric Interpretation (PS3.5 §8.2: e.g. YBR_FULL for JPEG Baseline colour, YBR_RCT/YBR_ICT for JPEG 2000
 *   with a multiple-component transform, RGB once decoded);
 * - Planar Configuration (0 for every encapsulated colour frame we write; native output is colour-by-pixel);
 * - Lossy Image Compression, Ratio and Method (PS3.3 §C.7.6.1.1.5: once lossy, always "01"; ratios and methods
 *   accumulate, one value per lossy step);
 * - the Basic Offset Table (filled for every frame), and the Extended Offset Table (dropped: it described the old
 *   fragments; PS3.3 §C.7.6.3.1.8).
 */
import {
  Dataset,
  DicomError,
  EncapsulatedPixelData,
  ExtendedOffsetTableLengthsTag,
  ExtendedOffsetTableTag,
  findTransferSyntax,
  formatDS,
  type DicomFile,
  type Fragment,
  type TransferSyntax,
} from '@dicomkit/core';
import { encodeWithCodec, getFrame, type Frame } from './frames/frames.js';
import type { CodecPool } from './pool/codec-pool.js';
import { pixelDescription, type PixelDescription } from './frames/description.js';
import {
  storedValues,
  pixelBytes,
  allocatePixels,
  pixelArrayKind,
  type PixelArray,
} from './frames/pixel-array.js';
import { getCodec } from './codecs/registry.js';
import type { EncodedFrame, EncodeOptions } from './codecs/codec.js';
import { packBits } from './frames/native.js';
import { ybrFullToRgb } from './render/color.js';

export interface TranscodeOptions extends EncodeOptions {
  /** Called after each frame (for progress bars). */
  onFrame?: (done: number, total: number) => void;
  /** Decode and encode in these workers, several frames at once (same output as without). */
  pool?: CodecPool;
}

export interface TranscodedFile {
  meta: Dataset;
  dataset: Dataset;
  transferSyntax: TransferSyntax;
}

/**
 * Codecs whose encoders take the stored bits without sign extension: JPEG-LS and JPEG lossless code bit patterns
 * (signed data as its two's complement in Bits Stored bits, as dcmtk and GDCM write it).
 */
const UNSIGNED_BITS = new Set([
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
]);
/** Codecs that code signed samples as signed (ISO 15444 Ssiz), fed sign-extended stored values. */
const SIGNED_VALUES = new Set([
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
]);

function resolveTarget(uid: string): TransferSyntax {
  const t = findTransferSyntax(uid);
  if (!t) throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', `unknown transfer syntax: ${uid}`);
  return t;
}

function copyDataset(ds: Dataset): Dataset {
  const out = new Dataset();
  for (const el of ds) out.add(el);
  return out;
}

/** Stored bits only (PS3.5 §8.1.1), as unsigned bit patterns: what JPEG-LS codes. */
function maskedBits(p: PixelArray, d: PixelDescription): PixelArray {
  if (d.bitsStored === d.bitsAllocated && d.pixelRepresentation === 0) return p;
  const kind = pixelArrayKind({ ...d, pixelRepresentation: 0 });
  const out = allocatePixels(kind, p.length);
  const shift = d.highBit + 1 - d.bitsStored;
  const mask = d.bitsStored >= 32 ? 0xffffffff : 2 ** d.bitsStored - 1;
  for (let i = 0; i < p.length; i++) out[i] = (Number(p[i]) >>> shift) & mask;
  return out;
}

/** What an encoder should see for a description and target: stored values, masked or sign-extended. */
function encoderInput(
  p: PixelArray,
  d: PixelDescription,
  target: string,
): { pixels: PixelArray; d: PixelDescription } {
  if (UNSIGNED_BITS.has(target))
    return { pixels: maskedBits(p, d), d: { ...d, pixelRepresentation: 0, highBit: d.bitsStored - 1 } };
  if (SIGNED_VALUES.has(target))
    return { pixels: storedValues(p, d), d: { ...d, highBit: d.bitsStored - 1 } };
  return { pixels: p, d };
}

/**
 * Runs `task` for 0..total-1 with up to `window` running at once, handing results out in order. A failure
 * surfaces when its turn comes (and is not reported as unhandled before that).
 */
function inOrder<T>(total: number, window: number, task: (i: number) => Promise<T>): { next(): Promise<T> } {
  const pending: Promise<T>[] = [];
  let started = 0;
  return {
    next() {
      while (started < total && pending.length < window) {
        const p = task(started++);
        p.catch(() => undefined);
        pending.push(p);
      }
      const p = pending.shift();
      if (!p) return Promise.reject(new DicomError('INVALID_VALUE', 'no frame left'));
      return p;
    },
  };
}

/** Marks the dataset as lossy compressed (PS3.3 §C.7.6.1.1.5), appending this step's ratio and method. */
function markLossy(ds: Dataset, ratio: number | undefined, method: string | undefined): void {
  ds.set('LossyImageCompression', 'CS', '01');
  if (ratio !== undefined && method !== undefined) {
    ds.set('LossyImageCompressionRatio', 'DS', [
      ...ds.strings('LossyImageCompressionRatio'),
      formatDS(Number(ratio.toPrecision(6))),
    ]);
    ds.set('LossyImageCompressionMethod', 'CS', [...ds.strings('LossyImageCompressionMethod'), method]);
  }
}

/**
 * Transcodes a file's pixel data to `targetTransferSyntaxUid` (a UID or a keyword such as "JPEGLSLossless").
 * Returns a new meta, dataset and transfer syntax ready for writeDicom; the input is not modified (elements are
 * shared where they do not change).
 */
export async function transcode(
  file: Pick<DicomFile, 'meta' | 'dataset' | 'transferSyntax'>,
  targetTransferSyntaxUid: string,
  options: TranscodeOptions = {},
): Promise<TranscodedFile> {
  const target = resolveTarget(targetTransferSyntaxUid);
  const source = file.transferSyntax;
  const meta = copyDataset(file.meta);
  meta.set('TransferSyntaxUID', 'UI', target.uid);
  const dataset = copyDataset(file.dataset);
  const pixel = dataset.get(0x7fe00010) ?? dataset.get(0x7fe00008) ?? dataset.get(0x7fe00009);
  const result: TranscodedFile = { meta, dataset, transferSyntax: target };
  if (!pixel) return result;
  const sourceEncapsulated = pixel.encapsulated !== undefined;
  // Nothing to do for the pixels: native to native between little-endian syntaxes (the writer handles deflate), or
  // the same codec. From big endian, the frames are rebuilt: the writer swaps OW per 16-bit word, which is wrong for
  // 8- and 32-bit samples (PS3.5 §8.1.1 orders them by sample).
  const fromBigEndian = !sourceEncapsulated && !source.littleEndian;
  if (!sourceEncapsulated && !target.encapsulated && !fromBigEndian) return result;
  if (sourceEncapsulated && source.encapsulated && target.uid === source.uid) return result;
  if (source.lossy && !dataset.has('LossyImageCompression')) dataset.set('LossyImageCompression', 'CS', '01');

  const d = pixelDescription(file.dataset);
  const total = d.numberOfFrames;
  const pool = options.pool;
  const decode = (i: number): Promise<Frame> =>
    pool ? pool.getFrame(file.dataset, source, i) : getFrame(file.dataset, source, i);
  // With a pool, up to two frames a worker are in flight; results are taken in frame order.
  const window = pool ? pool.size * 2 : 1;

  if (!target.encapsulated) {
    // Decompress: all frames, colour-by-pixel, in the Photometric Interpretation the decoder produced.
    let outD = d;
    const parts: Uint8Array[] = [];
    const frames = inOrder(total, window, decode);
    for (let i = 0; i < total; i++) {
      const f = await frames.next();
      outD = f.description;
      parts.push(
        d.bitsAllocated === 1
          ? new Uint8Array(f.pixels.buffer, f.pixels.byteOffset, f.pixels.byteLength)
          : pixelBytes(f.pixels),
      );
      options.onFrame?.(i + 1, total);
    }
    let bytes: Uint8Array;
    if (d.bitsAllocated === 1) {
      // 1-bit frames are packed continuously across frame boundaries (PS3.5 §8.1.1).
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        all.set(p, o);
        o += p.length;
      }
      bytes = packBits(all);
    } else {
      bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        bytes.set(p, o);
        o += p.length;
      }
    }
    if (bytes.length % 2) {
      const padded = new Uint8Array(bytes.length + 1);
      padded.set(bytes);
      bytes = padded;
    }
    dataset.delete(ExtendedOffsetTableTag);
    dataset.delete(ExtendedOffsetTableLengthsTag);
    dataset.set(
      d.pixelDataTag,
      d.float ? (d.bitsAllocated === 64 ? 'OD' : 'OF') : d.bitsAllocated > 8 ? 'OW' : 'OB',
      bytes,
    );
    if (outD.photometricInterpretation !== d.photometricInterpretation)
      dataset.set('PhotometricInterpretation', 'CS', outD.photometricInterpretation);
    if (d.samplesPerPixel > 1) dataset.set('PlanarConfiguration', 'US', 0);
    return result;
  }

  if (d.float)
    throw new DicomError(
      'UNSUPPORTED_TRANSFER_SYNTAX',
      `Float and Double Float Pixel Data cannot be encapsulated (${target.name})`,
    );
  const codec = await getCodec(target.uid);
  if (!codec.encode)
    throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', `${codec.name} cannot encode ${target.name}`);
  if (codec.canEncode && !codec.canEncode(d)) {
    throw new DicomError(
      'UNSUPPORTED_TRANSFER_SYNTAX',
      `${codec.name} cannot encode ${d.samplesPerPixel} sample(s) of ${d.bitsAllocated} bits (${d.bitsStored} stored) as ${target.name}`,
    );
  }
  const fragments: Fragment[] = [];
  const offsets: number[] = [];
  let position = 0;
  let photometric: string | undefined;
  let lossyMethod: string | undefined;
  let compressed = 0;
  // The codec's options only (they may cross to a worker: no callbacks, no pool).
  const encodeOptions: EncodeOptions & Partial<Pick<TranscodeOptions, 'onFrame' | 'pool'>> = {
    ...options,
    lossless: options.lossless ?? !target.lossy,
  };
  delete encodeOptions.onFrame;
  delete encodeOptions.pool;
  const encodeFrame = async (i: number): Promise<{ enc: EncodedFrame; fd: PixelDescription }> => {
    const f = await decode(i);
    let fd = f.description;
    let pixels = f.pixels;
    // Lossy colour encoders expect RGB; YBR_FULL samples are converted first.
    if (
      target.lossy &&
      fd.samplesPerPixel === 3 &&
      fd.photometricInterpretation === 'YBR_FULL' &&
      fd.bitsAllocated === 8
    ) {
      pixels = ybrFullToRgb(pixels);
      fd = { ...fd, photometricInterpretation: 'RGB' };
    }
    const input = encoderInput(pixels, fd, target.uid);
    const enc = pool
      ? await pool.encode(target.uid, input.pixels, input.d, encodeOptions, i)
      : await encodeWithCodec(codec, input.pixels, input.d, encodeOptions, i);
    return { enc, fd };
  };
  const encoded = inOrder(total, window, encodeFrame);
  for (let i = 0; i < total; i++) {
    const { enc, fd } = await encoded.next();
    let bytes = enc.bytes;
    if (bytes.length % 2) {
      const padded = new Uint8Array(bytes.length + 1);
      padded.set(bytes);
      bytes = padded;
    }
    offsets.push(position);
    position += 8 + bytes.length;
    compressed += bytes.length;
    fragments.push({ bytes, length: bytes.length });
    photometric = enc.photometricInterpretation ?? fd.photometricInterpretation;
    lossyMethod = enc.lossyMethod;
    options.onFrame?.(i + 1, total);
  }
  if (position > 0xffffffff)
    throw new DicomError(
      'VALUE_TOO_LONG',
      'the encoded frames exceed 4 GiB: the Basic Offset Table cannot address them',
    );
  dataset.delete(ExtendedOffsetTableTag);
  dataset.delete(ExtendedOffsetTableLengthsTag);
  dataset.set(
    'PixelData',
    'OB',
    new EncapsulatedPixelData(new Uint32Array(total > 1 ? offsets : offsets.slice(0, 1)), fragments),
  );
  if (photometric && photometric !== d.photometricInterpretation)
    dataset.set('PhotometricInterpretation', 'CS', photometric);
  if (d.samplesPerPixel > 1) dataset.set('PlanarConfiguration', 'US', 0);
  if (lossyMethod) {
    const uncompressed = total * d.rows * d.columns * d.samplesPerPixel * (d.bitsAllocated / 8);
    markLossy(dataset, uncompressed / Math.max(1, compressed), lossyMethod);
  }
  return result;
}
