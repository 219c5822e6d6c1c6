/**
 * The shared memory of one native codec process: `slots` pairs of areas (codestream in, samples out), one pair per
 * request the process may hold at once. The parent writes a codestream into a free slot and sends only its place
 * over IPC; the child decodes from there and writes the samples back into the same slot. What does not fit a slot
 * (a frame over {@link SLOT_BYTES}) goes through the IPC channel as before.
 */
import type { CodecRequest, CodecResponse, PixelArray } from '@dicomkit/imaging';

/** The child's descriptor for the shared memory: its stdio index 4, after stdin, stdout, stderr and IPC. */
export const SHARED_MEMORY_FD = 4;

/** Bytes per area: a 4096 × 4096 frame of 16-bit samples. The memory is claimed only as it is touched. */
export const SLOT_BYTES = 32 * 2 ** 20;

/** Where a message's bytes are in shared memory instead of in the message. */
export interface SharedPlace {
  slot: number;
  byteLength: number;
  /** Samples only: the typed array's constructor name. */
  type?: string;
}

export type SharedRequest = CodecRequest & { shared?: SharedPlace };
export type SharedResponse = CodecResponse & { shared?: SharedPlace };

const ARRAY_TYPES: Record<string, new (buffer: ArrayBufferLike) => PixelArray> = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
};

export class SharedSlots {
  constructor(
    private readonly memory: ArrayBuffer,
    readonly slots: number,
  ) {}

  /** The memory the parent creates for a process holding `slots` requests at once. */
  static bytesFor(slots: number): number {
    return slots * 2 * SLOT_BYTES;
  }

  private area(slot: number, output: boolean, length: number): Uint8Array {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots || length > SLOT_BYTES)
      throw new RangeError(`no shared slot ${slot} of ${length} bytes`);
    return new Uint8Array(this.memory, (2 * slot + (output ? 1 : 0)) * SLOT_BYTES, length);
  }

  /** Parent: the request with its codestream moved into `slot`, or undefined when it does not fit. */
  putRequest(req: CodecRequest, slot: number): SharedRequest | undefined {
    if (req.kind !== 'decode' || req.bytes.byteLength > SLOT_BYTES) return undefined;
    this.area(slot, false, req.bytes.byteLength).set(req.bytes);
    return { ...req, bytes: new Uint8Array(0), shared: { slot, byteLength: req.bytes.byteLength } };
  }

  /** Child: the request with its codestream back (a view of shared memory, read during the decode only). */
  takeRequest(req: SharedRequest): CodecRequest {
    if (!req.shared || req.kind !== 'decode') return req;
    const { shared, ...rest } = req;
    return { ...rest, bytes: this.area(shared.slot, false, shared.byteLength) };
  }

  /** Child: the response with its samples moved into the request's slot, or as it is when they do not fit. */
  putResponse(r: CodecResponse, place: SharedPlace | undefined): SharedResponse {
    if (!place || r.kind !== 'decoded' || r.pixels.byteLength > SLOT_BYTES) return r;
    const bytes = new Uint8Array(r.pixels.buffer, r.pixels.byteOffset, r.pixels.byteLength);
    this.area(place.slot, true, bytes.byteLength).set(bytes);
    const shared = { slot: place.slot, byteLength: bytes.byteLength, type: r.pixels.constructor.name };
    return { ...r, pixels: new Uint8Array(0), shared };
  }

  /** Parent: the response with its samples copied out of shared memory into an array of their own. */
  takeResponse(r: SharedResponse): CodecResponse {
    if (!r.shared || r.kind !== 'decoded') return r;
    const { shared, ...rest } = r;
    const Type = ARRAY_TYPES[shared.type ?? ''];
    if (!Type) throw new RangeError(`unknown sample array type ${shared.type}`);
    // Memory of its own, not zero-filled first (every byte is written next): Buffer.allocUnsafeSlow is never pooled,
    // so its ArrayBuffer is exactly the frame's.
    const own = Buffer.allocUnsafeSlow(shared.byteLength);
    own.set(this.area(shared.slot, true, shared.byteLength));
    return { ...rest, pixels: new Type(own.buffer) };
  }
}
