/**
 * The compiled Node-API module (native/codecs.cc → build/dicomkit-codecs.node), loaded once, if it was built.
 * `npm install` builds it when a C++ compiler and the OpenJPEG and OpenJPH headers are present (scripts/build.mjs);
 * without it every function here says so and @dicomkit/imaging's WASM codecs stay in charge.
 */
import { createRequire } from 'node:module';

/** What the native decoders return: interleaved samples, one byte each up to 8 bits, two (little endian) above. */
export interface DecodedCodestream {
  columns: number;
  rows: number;
  samples: number;
  bitsStored: number;
  signed: boolean;
  bytes: Uint8Array;
}

/** [Columns, Rows, Samples per Pixel] as the dataset declares them: checked before anything is decoded. */
export type ExpectedGeometry = [columns: number, rows: number, samples: number];

export interface NativeAddon {
  decodeJpeg2000(codestream: Uint8Array, expected: ExpectedGeometry): DecodedCodestream;
  decodeHtj2k(codestream: Uint8Array, expected: ExpectedGeometry): DecodedCodestream;
  /** A new anonymous memory file of `size` bytes (Linux memfd), mapped: for a child process to map too. */
  createSharedMemory(size: number): { fd: number; buffer: ArrayBuffer };
  /** The memory file behind an inherited descriptor, mapped. */
  mapSharedMemory(fd: number, size: number): ArrayBuffer;
}

const FUNCTIONS = ['decodeJpeg2000', 'decodeHtj2k', 'createSharedMemory', 'mapSharedMemory'] as const;

/** Whether what `require` gave is this module (a stale build from an older version would lack a function). */
function isNativeAddon(m: unknown): m is NativeAddon {
  return (
    typeof m === 'object' &&
    m !== null &&
    FUNCTIONS.every((f) => typeof (m as Record<string, unknown>)[f] === 'function')
  );
}

let addon: NativeAddon | undefined;
let loadError: Error | undefined;

/** The native module, or an Error saying why it is not there. */
export function loadAddon(): NativeAddon | Error {
  if (addon) return addon;
  if (loadError) return loadError;
  try {
    const m: unknown = createRequire(import.meta.url)('../../build/dicomkit-codecs.node');
    if (!isNativeAddon(m))
      throw new Error(`build/dicomkit-codecs.node lacks ${FUNCTIONS.join(', ')}: rebuild it`);
    addon = m;
    return addon;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    loadError = new Error(
      `the native codecs are not built (npm install builds them with a C++ compiler and the OpenJPEG and OpenJPH headers; Debian: g++ libopenjp2-7-dev libopenjph-dev): ${why}`,
      { cause: e },
    );
    return loadError;
  }
}

/** Whether the native codecs were built and load in this process. */
export function nativeCodecsAvailable(): boolean {
  return !(loadAddon() instanceof Error);
}
