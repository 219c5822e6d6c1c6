/**
 * Reading DICOM from a stream (a socket, an HTTP upload, a Node Readable, a WHATWG ReadableStream's reader):
 * any AsyncIterable of byte chunks. The result is the same as parseDicom over the same bytes.
 *
 * How: the synchronous reader runs over the chunks received so far; when it needs bytes that have not arrived,
 * the refill throws {@link NeedMoreInput}, the reader waits for them and resumes at the start of the top-level
 * element it was reading (small elements are simply read again; a value of known length is waited for whole, then
 * collected into one buffer; undefined-length sequences wait for twice as much each time, so the total work stays
 * linear). Chunks before the current element are dropped from the buffer; values already read keep theirs alive.
 */
import { Dataset } from '../data/dataset.js';
import { DicomError } from '../errors.js';
import type { Window } from './dataset-reader.js';
import {
  finishFile,
  parseDicom,
  readHeader,
  stopPredicate,
  type DicomFile,
  type Part10Header,
  type ReadOptions,
} from './reader.js';

/** Thrown by a refill when the bytes asked for have not arrived yet (control flow, never seen by callers). */
export class NeedMoreInput extends Error {
  constructor(readonly needed: number) {
    super(`waiting for the input up to byte ${needed}`);
  }
}

/** The size a reader is given while the stream's end is not known. */
const UNKNOWN_SIZE = Number.MAX_SAFE_INTEGER;

/** Chunks received so far, by absolute offset. */
class ChunkBuffer {
  private chunks: { start: number; bytes: Uint8Array }[] = [];
  /** Absolute offset one past the last byte received. */
  end = 0;
  ended = false;
  private readonly it: AsyncIterator<Uint8Array | string>;

  constructor(source: AsyncIterable<Uint8Array | string>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** Receives chunks until `offset` bytes have arrived or the stream ends. */
  async fillTo(offset: number): Promise<void> {
    while (this.end < offset && !this.ended) {
      const r = await this.it.next();
      if (r.done) {
        this.ended = true;
        break;
      }
      const c = r.value;
      if (typeof c === 'string')
        throw new DicomError('IO_ERROR', 'the stream gives text, not bytes (no encoding must be set on it)');
      if (c.length === 0) continue;
      this.chunks.push({ start: this.end, bytes: c });
      this.end += c.length;
    }
  }

  /** Forgets chunks that end at or before `offset`. */
  dropBefore(offset: number): void {
    let i = 0;
    while (i < this.chunks.length && this.chunks[i]!.start + this.chunks[i]!.bytes.length <= offset) i++;
    if (i) this.chunks.splice(0, i);
  }

  /**
   * A window from `offset` holding at least `min` bytes: a view of one chunk when it holds them, else the chunks
   * from there to the end of what has arrived, merged into one (so the next window there is a view). At the end of
   * the stream, whatever is left; before it, NeedMoreInput when the bytes have not arrived.
   */
  window(offset: number, min: number): Window {
    if (offset + min > this.end && !this.ended) throw new NeedMoreInput(offset + min);
    let i = 0;
    while (i < this.chunks.length && this.chunks[i]!.start + this.chunks[i]!.bytes.length <= offset) i++;
    if (i === this.chunks.length) return { bytes: new Uint8Array(0), base: offset };
    const first = this.chunks[i]!;
    if (first.start <= offset && first.start + first.bytes.length >= Math.min(offset + min, this.end)) {
      return { bytes: first.bytes.subarray(offset - first.start), base: offset };
    }
    // Merge chunks i.. into one buffer.
    const from = Math.min(first.start, offset);
    const merged = new Uint8Array(this.end - from);
    for (let k = i; k < this.chunks.length; k++)
      merged.set(this.chunks[k]!.bytes, this.chunks[k]!.start - from);
    this.chunks.splice(i, this.chunks.length - i, { start: from, bytes: merged });
    return { bytes: merged.subarray(offset - from), base: offset };
  }

  /** Everything received, as one array (for the deflated transfer syntax). */
  all(): Uint8Array {
    return this.window(0, this.end).bytes;
  }
}

/**
 * Reads a DICOM Part 10 file (or a bare dataset, as parseDicom does) from a stream of byte chunks: a Node
 * Readable (no encoding set), an HTTP request, a socket, or any AsyncIterable<Uint8Array>. Gives the same result
 * as parseDicom on the same bytes. With stopBeforePixelData/stopAtTag it stops reading the stream there.
 * The deflated transfer syntax is read whole, then inflated (within the same cap as parseDicom).
 */
export async function readDicomStream(
  source: AsyncIterable<Uint8Array | string>,
  options: ReadOptions = {},
): Promise<DicomFile> {
  const buf = new ChunkBuffer(source);
  const refill = (offset: number, min: number): Window => buf.window(offset, min);
  const size = (): number => (buf.ended ? buf.end : UNKNOWN_SIZE);

  // The File Meta group and the transfer syntax: read again from the start until enough has arrived (it is small).
  await buf.fillTo(8192);
  let header: Part10Header;
  for (;;) {
    try {
      if (buf.ended && buf.end === 0) throw new DicomError('NOT_DICOM', 'the input is empty', { offset: 0 });
      header = readHeader(buf.window(0, Math.min(buf.end, 4096)), size(), options, refill);
      break;
    } catch (e) {
      if (!(e instanceof NeedMoreInput)) throw e;
      await buf.fillTo(Math.max(e.needed, 2 * buf.end));
    }
  }
  if (header.transferSyntax.deflated) {
    await buf.fillTo(Infinity);
    return parseDicom(buf.all(), options);
  }

  const dataset = new Dataset();
  const reader = header.reader;
  const stop = stopPredicate(options);
  let lastResume = -1;
  for (;;) {
    try {
      reader.readElements(dataset, -1, 0, stop);
      break;
    } catch (e) {
      if (!(e instanceof NeedMoreInput)) throw e;
      reader.resume();
      const at = reader.offset;
      // Waiting again at the same element: wait for twice as much, so that re-reading it stays linear overall.
      const target = at === lastResume ? Math.max(e.needed, at + 2 * (buf.end - at)) : e.needed;
      lastResume = at;
      buf.dropBefore(at);
      await buf.fillTo(target);
      if (buf.ended) reader.setSize(buf.end);
    }
  }
  return finishFile(header, dataset, reader);
}
