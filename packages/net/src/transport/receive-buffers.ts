/**
 * Reused receive buffers for plain TCP connections. By default Node allocates a fresh 64 KiB buffer for every
 * socket read: at C-STORE rates that is hundreds of MB of new memory per second, which is slow to touch and
 * makes V8 run a full collection every few dozen images (its external-memory limit). A socket created with
 * `onread` reads into one buffer instead; the bytes are valid only during the callback, which is how the receive
 * path treats them anyway (PduStream hands on views that are consumed at once, DataSink says so).
 *
 * Node offers `onread` only for sockets it creates from options (`net.connect`, `new Socket`). A server's
 * accepted socket is re-wrapped around the same native handle while it is still paused ({@link adoptAccepted}).
 * TLS connections keep Node's own reads.
 */
import { Socket, type Server } from 'node:net';

/**
 * A copy of received bytes that outlives the receive buffer. Not `.slice()`: on a Buffer (what sockets deliver)
 * that is a view of the same memory, which the next read overwrites.
 */
export function copyBytes(view: Uint8Array): Uint8Array {
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
}

/** The size of one receive buffer: one read takes up to this much of what the kernel holds. */
export const RECEIVE_BUFFER_SIZE = 256 * 1024;
/** Buffers kept for reuse when their connection closes (more connections at once allocate more). */
const KEEP = 8;
const free: Buffer[] = [];

/** A receive buffer from the free list (or a new one). */
export function takeReceiveBuffer(): Buffer {
  return free.pop() ?? Buffer.allocUnsafe(RECEIVE_BUFFER_SIZE);
}

/** Gives a receive buffer back once its connection is closed. */
export function returnReceiveBuffer(b: Buffer): void {
  if (free.length < KEEP && !free.includes(b)) free.push(b);
}

/** The `onread` option of a socket that hands each chunk to `deliver` (set later, once the reader exists). */
export function reusableReads(deliver: () => ((chunk: Uint8Array) => void) | undefined): {
  buffer: Buffer;
  callback: (n: number, b: Uint8Array) => boolean;
} {
  const buffer = takeReceiveBuffer();
  return {
    buffer,
    callback: (n, b) => {
      deliver()?.(b.subarray(0, n));
      return true;
    },
  };
}

/** Node's internals that {@link adoptAccepted} relies on: the native handle of a socket, its server. */
interface SocketInternals {
  _handle: unknown;
  server: Server | null;
  _server: Server | null;
}

/**
 * Re-wraps a socket accepted by a server created with `pauseOnConnect: true` (so nothing has been read yet) in
 * a new Socket with `onread`, on the same native handle. The new socket takes the old one's place in the
 * server's connection count (server.close() waits for it); the old object is left without a handle. Returns
 * undefined, leaving the socket as it is, when the Node internals involved are not there.
 */
export function adoptAccepted(
  accepted: Socket,
  onread: { buffer: Buffer; callback: (n: number, b: Uint8Array) => boolean },
): Socket | undefined {
  const old = accepted as Socket & SocketInternals;
  if (!old._handle || accepted.readableFlowing === true || accepted.bytesRead > 0) return undefined;
  const handle = old._handle;
  old._handle = null;
  const socket = new Socket({ handle, onread } as ConstructorParameters<typeof Socket>[0]);
  const s = socket as Socket & SocketInternals;
  s.server = old.server;
  s._server = old._server;
  socket.once('close', () => returnReceiveBuffer(onread.buffer));
  return socket;
}
