/**
 * What a frame codec is: decode one frame's bytes (the concatenated fragments of PS3.5 §A.4) to a typed array,
 * and optionally encode one. Codecs are looked up by transfer syntax UID in the {@link CodecRegistry}.
 */
import type { PixelDescription } from '../frames/description.js';
import type { PixelArray } from '../frames/pixel-array.js';

export interface DecodedFrame {
  /** Samples interleaved (colour-by-pixel), little endian. */
  pixels: PixelArray;
  /** Set when decoding changed what the samples mean (a JPEG decoder that returns RGB for YBR_FULL_422). */
  photometricInterpretation?: string;
}

export interface EncodeOptions {
  /** JPEG-LS near-lossless: the largest error allowed per sample (NEAR, ITU-T T.87); 0 is lossless. */
  nearLossless?: number;
  /** JPEG 2000 / HTJ2K lossy: the target compression ratio (e.g. 10 for 10:1). */
  compressionRatio?: number;
  /**
   * JPEG XL lossy (1.2.840.10008.1.2.4.112): the Butteraugli distance, 0.1..25 (default 1, "visually lossless";
   * 0 is lossless). Without it, `quality` is mapped to a distance as cjxl maps `-q` (90 ≈ 1).
   */
  distance?: number;
  /** JPEG Baseline: quality 1..100 (default 90). JPEG XL lossy: see `distance`. */
  quality?: number;
  /**
   * JPEG Lossless (1.2.840.10008.1.2.4.57): the predictor, selection value 1–7 of ITU-T T.81 Table H.1 (default 1).
   * JPEG Lossless SV1 (1.2.840.10008.1.2.4.70) is predictor 1 by definition and refuses any other.
   */
  predictor?: number;
  /** Lossless (default true for the lossless-only transfer syntaxes). */
  lossless?: boolean;
}

export interface EncodedFrame {
  bytes: Uint8Array;
  /** The Photometric Interpretation of the encoded frame when it differs from the input's (PS3.5 §8.2). */
  photometricInterpretation?: string;
  /** Lossy Image Compression Method (0028,2114) term when the encoding was lossy (PS3.3 §C.7.6.1.1.5). */
  lossyMethod?: string;
}

export interface FrameCodec {
  /** A short name for messages and benchmarks ("RLE", "CharLS"). */
  readonly name: string;
  decode(frame: Uint8Array, d: PixelDescription): DecodedFrame | Promise<DecodedFrame>;
  encode?(
    pixels: PixelArray,
    d: PixelDescription,
    options: EncodeOptions,
  ): EncodedFrame | Promise<EncodedFrame>;
  /** Whether this codec can encode frames of this description (bit depth, samples). */
  canEncode?(d: PixelDescription): boolean;
}

export type CodecLoader = () => Promise<FrameCodec>;
