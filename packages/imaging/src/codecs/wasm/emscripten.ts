/**
 * What the @cornerstonejs Emscripten codec modules expose, typed: embind classes that take the encoded or decoded
 * buffer in their own heap, and report the heap size (for the flat-memory measurements in bench/).
 */

/** Image geometry as the codecs report and accept it. */
export interface WasmFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
  isUsingColorTransform?: boolean;
}

/** A decoder instance: fill getEncodedBuffer(n), decode(), read getDecodedBuffer() (views into the WASM heap). */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): ArrayBufferView;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  delete(): void;
}

export interface WasmEncoder {
  getDecodedBuffer(info: WasmFrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  encode(): void;
  delete(): void;
}

export interface EmscriptenModule {
  HEAPU8: Uint8Array;
}

/** The WASM heap size of a loaded module, in bytes. */
export function heapSize(m: EmscriptenModule): number {
  return m.HEAPU8.buffer.byteLength;
}

/** Heap sizes of every WASM codec module loaded so far, by name. */
export const loadedModules = new Map<string, EmscriptenModule>();

export function wasmHeapSizes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, m] of loadedModules) out[name] = heapSize(m);
  return out;
}

/**
 * Loads a codec module from its factory once (the import is dynamic: only when a frame needs it). `options` are
 * handed to the factory too (e.g. `wasmBinary` for a build that can only fetch its .wasm by URL).
 */
export async function instantiate<T extends EmscriptenModule>(
  name: string,
  load: () => Promise<{ default: (o?: object) => Promise<unknown> }>,
  options: object = {},
): Promise<T> {
  const mod = await load();
  const factory = mod.default;
  // Codec chatter (OpenJPEG's [INFO] lines) is dropped; errors reach us as exceptions.
  const quiet = (): void => undefined;
  const m = (await factory({ ...options, print: quiet, printErr: quiet })) as T;
  loadedModules.set(name, m);
  return m;
}
