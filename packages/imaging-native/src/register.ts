/**
 * Native codecs in this process: JPEG 2000 (and, if asked, HTJ2K) decode through the native libraries from now on,
 * in this thread (each worker thread that wants them calls this too). Fastest, and unguarded: a codestream that
 * crashes the library crashes the process. OpenJPH 0.9 (Debian 12) aborts or faults on corrupt HTJ2K codestreams —
 * 69 of 267 randomly corrupted ones in test/native-codecs.test.ts, some kept in test/fixtures — so HTJ2K is off
 * here unless `htj2k: true`; OpenJPEG 2.5 ended no process on the same test (0 of 133). For input you do not trust,
 * use {@link createNativeCodecPool}: the same decoders in child processes, where a crash is a typed error.
 */
import { DicomError } from '@dicomkit/core';
import { codecLoader, registerCodec, TS } from '@dicomkit/imaging';
import { loadAddon } from './addon.js';
import { nativeFrameCodec } from './codecs.js';

/** The transfer syntaxes the native decoders serve. */
export const NATIVE_TRANSFER_SYNTAXES = {
  jpeg2000: [TS.JPEG2000Lossless, TS.JPEG2000],
  htj2k: [TS.HTJ2KLossless, TS.HTJ2KLosslessRPCL, TS.HTJ2K],
} as const;

export interface RegisterNativeOptions {
  /** JPEG 2000 through OpenJPEG (default true). */
  jpeg2000?: boolean;
  /** HTJ2K through OpenJPH (default: true in a native codec pool's processes, false in process; see above). */
  htj2k?: boolean;
}

const registered = new Set<string>();

/**
 * Registers the native decoders with @dicomkit/imaging's codec registry (replacing the WASM decoders; encoding stays
 * with WASM). Throws a DicomError when the native module is not built.
 */
export function registerNativeCodecs(options: RegisterNativeOptions = {}): void {
  const addon = loadAddon();
  if (addon instanceof Error)
    throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', addon.message, { cause: addon });
  const families = [
    ['jpeg2000', options.jpeg2000 ?? true, 'OpenJPEG (native)', addon.decodeJpeg2000],
    ['htj2k', options.htj2k ?? false, 'OpenJPH (native)', addon.decodeHtj2k],
  ] as const;
  for (const [family, wanted, name, decode] of families) {
    if (!wanted) continue;
    for (const uid of NATIVE_TRANSFER_SYNTAXES[family]) {
      if (registered.has(uid)) continue; // registered twice: the codec it replaced is still the WASM one
      registered.add(uid);
      const replaced = codecLoader(uid);
      const codec = nativeFrameCodec(name, decode, replaced);
      registerCodec(uid, () => Promise.resolve(codec));
    }
  }
}
