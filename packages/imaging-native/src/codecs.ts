/**
 * JPEG 2000 (ISO 15444-1; 1.2.840.10008.1.2.4.90, .91) and HTJ2K (ISO 15444-15; .201, .202, .203) frame decoders
 * on the native libraries: OpenJPEG (libopenjp2) and OpenJPH (libopenjph). They decode exactly what the WASM builds
 * in @dicomkit/imaging decode (the tests compare every frame); encoding stays with the WASM codec each replaces.
 */
import { DicomError } from '@dicomkit/core';
import {
  j2kUsesMct,
  wasmView,
  type CodecLoader,
  type FrameCodec,
  type PixelDescription,
} from '@dicomkit/imaging';
import type { DecodedCodestream, ExpectedGeometry } from './addon.js';

type Decode = (codestream: Uint8Array, expected: ExpectedGeometry) => DecodedCodestream;

/**
 * A frame codec around one native decoder. `replaced` is the loader it takes the place of (the WASM codec): it is
 * loaded on the first encode, which it serves (a decode-only process never loads it).
 */
export function nativeFrameCodec(
  name: string,
  decode: Decode,
  replaced: CodecLoader | undefined,
): FrameCodec {
  let fallback: Promise<FrameCodec> | undefined;
  let loaded: FrameCodec | undefined;
  const encoder = async (): Promise<FrameCodec> => {
    if (!replaced) throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', `${name} cannot encode`);
    fallback ??= replaced().then((c) => (loaded = c));
    return fallback;
  };
  return {
    name,
    decode(frame: Uint8Array, d: PixelDescription) {
      const out = decode(frame, [d.columns, d.rows, d.samplesPerPixel]);
      // The native buffer is this frame's own (not a WASM heap): taken as it is, without a copy.
      const pixels = wasmView(
        out.bytes,
        {
          width: out.columns,
          height: out.rows,
          componentCount: out.samples,
          bitsPerSample: out.bitsStored,
          isSigned: out.signed,
        },
        d,
      );
      // The libraries undo the RCT/ICT: the samples are RGB whatever the dataset says (YBR_RCT / YBR_ICT).
      return j2kUsesMct(frame) ? { pixels, photometricInterpretation: 'RGB' } : { pixels };
    },
    async encode(pixels, d, options) {
      const c = await encoder();
      // The encoder's own limits (asked again here: before it was loaded, canEncode could only say yes).
      if (!c.encode || (c.canEncode && !c.canEncode(d)))
        throw new DicomError(
          'UNSUPPORTED_TRANSFER_SYNTAX',
          `${c.name} cannot encode ${d.samplesPerPixel} sample(s) of ${d.bitsAllocated} bits (${d.bitsStored} stored)`,
        );
      return c.encode(pixels, d, options);
    },
    canEncode: (d) => (loaded?.canEncode ? loaded.canEncode(d) : true),
  };
}
