/**
 * Storage Service Class, SCU side (PS3.4 Annex B, PS3.7 §9.1.1 C-STORE): sends Part 10 files. When the peer
 * accepted the file's own transfer syntax, the data set's bytes go from the file to the socket as they are
 * (streamed for large files); otherwise an uncompressed file is re-encoded in an accepted uncompressed one.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import {
  DicomError,
  transferSyntaxOrDefault,
  writeDatasetChunks,
  UNCOMPRESSED_TRANSFER_SYNTAXES,
} from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import type { Association } from '../association.js';
import type { AcceptedContext } from '../negotiation.js';
import { CommandField, Priority } from '../dimse/command.js';
import { POOL_BUDGET, POOLED_MAX, sendBuffers } from './send-buffers.js';

/** What the File Meta of a Part 10 file says, and where its data set starts. */
export interface Part10Info {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  /** Byte offset of the data set (after the File Meta group). */
  datasetOffset: number;
  size: number;
}

const FALLBACKS = ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2'];

/** Where File Meta groups are read (nothing keeps a view of it). */
const META_SCRATCH = new Uint8Array(64 * 1024);

/** Reads `length` bytes of the file from `position` into `into` at `offset`; fewer only at the end of the file. */
function readFully(fd: number, into: Uint8Array, offset: number, length: number, position = offset): number {
  let o = 0;
  while (o < length) {
    const n = readSync(fd, into, offset + o, length - o, position + o);
    if (n === 0) break;
    o += n;
  }
  return o;
}

/** Reads the File Meta Information group of a Part 10 file (PS3.10 §7.1) without reading the data set. */
export function readPart10Info(path: string): Part10Info {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    // Read into a reused buffer: 8 KiB first (File Meta groups are a few hundred bytes), up to 64 KiB if needed.
    const limit = Math.min(size, META_SCRATCH.length);
    let got = readFully(fd, META_SCRATCH, 0, Math.min(limit, 8192));
    let head = META_SCRATCH.subarray(0, got);
    const more = (): boolean => {
      if (got >= limit) return false;
      got += readFully(fd, META_SCRATCH, got, limit - got);
      head = META_SCRATCH.subarray(0, got);
      return true;
    };
    const notPart10 = (why: string): never => {
      throw new DicomError('INVALID_FILE_META', `${path}: ${why}`, { offset: 128 });
    };
    if (
      head.length < 132 ||
      head[128] !== 0x44 ||
      head[129] !== 0x49 ||
      head[130] !== 0x43 ||
      head[131] !== 0x4d
    ) {
      // No Part 10 header: let the core reader work it out (it detects the encoding), then describe it.
      const f = readDicomFileSync(path, { stopBeforePixelData: true });
      const sopClassUid = f.dataset.string(0x00080016);
      const sopInstanceUid = f.dataset.string(0x00080018);
      if (!sopClassUid || !sopInstanceUid) notPart10('no File Meta and no SOP Class/Instance UID');
      return {
        sopClassUid: sopClassUid!,
        sopInstanceUid: sopInstanceUid!,
        transferSyntaxUid: f.transferSyntax.uid,
        datasetOffset: -1,
        size,
      };
    }
    const dv = new DataView(META_SCRATCH.buffer, META_SCRATCH.byteOffset);
    let at = 132;
    const values = new Map<number, string>();
    for (;;) {
      if (at + 12 > head.length && more()) continue;
      if (at + 8 > head.length) break;
      const group = dv.getUint16(at, true);
      if (group !== 0x0002) break;
      const tag = (group << 16) | dv.getUint16(at + 2, true);
      const vr = String.fromCharCode(head[at + 4]!, head[at + 5]!);
      let len: number;
      let valueAt: number;
      if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr)) {
        len = dv.getUint32(at + 8, true);
        valueAt = at + 12;
      } else {
        len = dv.getUint16(at + 6, true);
        valueAt = at + 8;
      }
      if (valueAt + len > head.length) {
        if (more()) continue;
        notPart10(
          got < size
            ? 'File Meta element runs past the first 64 KiB'
            : 'File Meta element runs past the end of the file',
        );
      }
      if (vr === 'UI')
        values.set(tag, String.fromCharCode(...head.subarray(valueAt, valueAt + len)).replace(/[\0 ]+$/, ''));
      at = valueAt + len;
    }
    let sopClassUid = values.get(0x00020002);
    let sopInstanceUid = values.get(0x00020003);
    let transferSyntaxUid = values.get(0x00020010);
    let datasetOffset = at;
    if (!sopClassUid || !sopInstanceUid || !transferSyntaxUid) {
      // An incomplete File Meta: take what is missing from the data set (as the core reader sees it).
      const f = readDicomFileSync(path, { stopBeforePixelData: true });
      sopClassUid ||= f.dataset.string(0x00080016);
      sopInstanceUid ||= f.dataset.string(0x00080018);
      if (!transferSyntaxUid) {
        transferSyntaxUid = f.transferSyntax.uid;
        datasetOffset = -1; // re-encode rather than trust an offset under a guessed encoding
      }
      if (!sopClassUid || !sopInstanceUid)
        notPart10('neither the File Meta nor the data set gives the SOP Class and Instance UIDs');
    }
    return {
      sopClassUid: sopClassUid!,
      sopInstanceUid: sopInstanceUid!,
      transferSyntaxUid: transferSyntaxUid!,
      datasetOffset,
      size,
    };
  } finally {
    closeSync(fd);
  }
}

/** Transfer syntaxes to propose for a file: its own, then uncompressed ones it can be converted to. */
export function proposalFor(info: Part10Info): string[] {
  const ts = transferSyntaxOrDefault(info.transferSyntaxUid);
  const own = [info.transferSyntaxUid];
  if (ts.encapsulated) return own;
  return [...new Set([...own, ...FALLBACKS])];
}

export interface StoreResult {
  status: number;
  /** The transfer syntax the data set was sent in. */
  transferSyntaxUid: string;
  errorComment?: string;
}

/** A file's data set made ready to send: the context it goes on and its bytes. */
export interface LoadedDataset {
  context: AcceptedContext;
  /** The bytes (a pooled buffer, or re-encoded chunks), or a stream of them (large files). */
  data: Uint8Array | Uint8Array[] | AsyncIterable<Uint8Array>;
  /** Gives a pooled buffer back; called once the socket is done with it (idempotent). */
  release(): void;
}

const noop = (): void => undefined;

/**
 * Loads a file's data set for a C-STORE on this association: when the peer accepted the file's own transfer
 * syntax, its bytes as they are — read whole into a pooled buffer up to {@link POOLED_MAX}, streamed from the
 * file above — else re-encoded in an accepted uncompressed transfer syntax. Throws DIMSE_ERROR when the peer
 * accepted neither.
 */
export function loadDataset(association: Association, path: string, info: Part10Info): LoadedDataset {
  const own = association.findContext(info.sopClassUid, info.transferSyntaxUid);
  if (own && info.datasetOffset >= 0) {
    const length = info.size - info.datasetOffset;
    if (length > POOLED_MAX)
      return { context: own, data: streamFile(path, info.datasetOffset), release: noop };
    const fd = openSync(path, 'r');
    const buffer = sendBuffers.take(length);
    try {
      if (readFully(fd, buffer.bytes, 0, length, info.datasetOffset) < length)
        throw new DicomError('TRUNCATED', `${path} shrank while being sent`);
    } catch (e) {
      buffer.release();
      throw e;
    } finally {
      closeSync(fd);
    }
    return { context: own, data: buffer.bytes, release: buffer.release };
  }
  if (own)
    return {
      context: own,
      data: writeDatasetChunks(
        readDicomFileSync(path, { bulkDataThreshold: Infinity }).dataset,
        own.transferSyntax,
      ),
      release: noop,
    };
  const source = transferSyntaxOrDefault(info.transferSyntaxUid);
  const ctx = source.encapsulated
    ? undefined
    : association.contexts.find(
        (c) =>
          c.abstractSyntax === info.sopClassUid &&
          UNCOMPRESSED_TRANSFER_SYNTAXES.some((t) => t.uid === c.transferSyntax),
      );
  if (!ctx) {
    const any = association.findContext(info.sopClassUid);
    throw new DicomError(
      'DIMSE_ERROR',
      any
        ? `the peer accepted ${info.sopClassUid} only in ${any.transferSyntax}, not in ${info.transferSyntaxUid}`
        : `the peer did not accept SOP class ${info.sopClassUid}`,
    );
  }
  const f = readDicomFileSync(path, { bulkDataThreshold: Infinity });
  return { context: ctx, data: writeDatasetChunks(f.dataset, ctx.transferSyntax), release: noop };
}

/** A large data set, 1 MiB at a time (bounded memory for any size). */
async function* streamFile(path: string, start: number): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { start, highWaterMark: 1024 * 1024 }))
    yield chunk as Uint8Array;
}

export interface StoreOptions {
  priority?: number;
  moveOriginator?: { aeTitle: string; messageId: number };
  signal?: AbortSignal;
}

/** Sends a loaded data set with C-STORE and returns the peer's status; its buffer is released once written. */
export async function storeLoaded(
  association: Association,
  info: Part10Info,
  loaded: LoadedDataset,
  opts: StoreOptions = {},
): Promise<StoreResult> {
  const rsp = await association.requestResponse(
    loaded.context.id,
    {
      CommandField: CommandField.CStoreRq,
      AffectedSOPClassUID: info.sopClassUid,
      AffectedSOPInstanceUID: info.sopInstanceUid,
      Priority: opts.priority ?? Priority.Medium,
      CommandDataSetType: 0x0000,
      ...(opts.moveOriginator
        ? {
            MoveOriginatorApplicationEntityTitle: opts.moveOriginator.aeTitle,
            MoveOriginatorMessageID: opts.moveOriginator.messageId,
          }
        : {}),
    },
    loaded.data,
    { ...(opts.signal ? { signal: opts.signal } : {}), written: loaded.release },
  );
  return {
    status: rsp.command.Status ?? 0,
    transferSyntaxUid: loaded.context.transferSyntax,
    ...(rsp.command.ErrorComment ? { errorComment: rsp.command.ErrorComment } : {}),
  };
}

/** Sends one file with C-STORE and returns the peer's status. */
export async function storeFile(
  association: Association,
  path: string,
  info = readPart10Info(path),
  opts: StoreOptions = {},
): Promise<StoreResult> {
  return storeLoaded(association, info, loadDataset(association, path, info), opts);
}

/** What became of one file of {@link storeFiles}: the peer's answer, or why there was none. */
export interface StoreOutcome {
  path: string;
  result?: StoreResult;
  error?: Error;
  /** Set when the file was never sent (the association ended or the signal fired first). */
  notSent?: true;
}

export interface StoreFilesOptions extends StoreOptions {
  /** C-STOREs outstanding at once, within the negotiated asynchronous operations window (default: all of it). */
  window?: number;
  /** Called as each file's outcome is known (in completion order). */
  onOutcome?: (o: StoreOutcome) => void;
}

/**
 * Sends files over one association with C-STORE, up to `window` outstanding at once, and returns each file's
 * outcome in order. While the peer works on one file the next is read (a pooled buffer, at most POOL_BUDGET
 * bytes in flight), so that the bytes are ready when the response arrives. Files not sent because the
 * association ended get an ASSOCIATION_ABORTED error.
 */
export async function storeFiles(
  association: Association,
  files: { path: string; info: Part10Info }[],
  opts: StoreFilesOptions = {},
): Promise<StoreOutcome[]> {
  const window = Math.max(1, Math.min(opts.window ?? Infinity, association.window));
  const outcomes: StoreOutcome[] = new Array(files.length);
  const record = (i: number, o: StoreOutcome): void => {
    outcomes[i] = o;
    opts.onOutcome?.(o);
  };
  const load = (i: number): LoadedDataset | Error => {
    try {
      return loadDataset(association, files[i]!.path, files[i]!.info);
    } catch (e) {
      return e as Error;
    }
  };
  const inFlight = new Set<Promise<void>>();
  let next: LoadedDataset | Error | undefined;
  let i = 0;
  for (; i < files.length && association.isEstablished && !opts.signal?.aborted; i++) {
    const f = files[i]!;
    const loaded = next ?? load(i);
    next = undefined;
    const k = i;
    const op: Promise<void> = (
      loaded instanceof Error ? Promise.reject(loaded) : storeLoaded(association, f.info, loaded, opts)
    )
      .then(
        (result) => record(k, { path: f.path, result }),
        (error: Error) => record(k, { path: f.path, error }),
      )
      .finally(() => inFlight.delete(op));
    inFlight.add(op);
    // The request's bytes are on the socket now: read the next file while the peer works on this one.
    if (i + 1 < files.length) {
      const size = files[i + 1]!.info.size;
      if (sendBuffers.inUse + size > POOL_BUDGET) await sendBuffers.room(size);
      next = load(i + 1);
    }
    if (inFlight.size >= window) await Promise.race(inFlight);
  }
  if (next && !(next instanceof Error)) next.release();
  await Promise.all(inFlight);
  const why = new DicomError(
    'ASSOCIATION_ABORTED',
    opts.signal?.aborted ? 'cancelled' : 'not sent: the association ended',
  );
  for (; i < files.length; i++) record(i, { path: files[i]!.path, error: why, notSent: true });
  return outcomes;
}

/**
 * Presentation contexts to propose for a set of files: per SOP class, one context with the file's own transfer
 * syntax first (so the peer can accept it alone, PS3.8 §9.3.2.2) and, for files not encapsulated, one with the
 * uncompressed fallbacks. Identical proposals are made once.
 */
export function contextsFor(infos: Part10Info[]): { abstractSyntax: string; transferSyntaxes: string[] }[] {
  const out = new Map<string, { abstractSyntax: string; transferSyntaxes: string[] }>();
  for (const i of infos)
    for (const c of fileContexts(i)) out.set(`${c.abstractSyntax}|${c.transferSyntaxes.join(',')}`, c);
  return [...out.values()];
}

/** The contexts one file needs (see {@link contextsFor}). */
export function fileContexts(i: Part10Info): { abstractSyntax: string; transferSyntaxes: string[] }[] {
  const own = proposalFor(i);
  const list = [{ abstractSyntax: i.sopClassUid, transferSyntaxes: own }];
  if (!transferSyntaxOrDefault(i.transferSyntaxUid).encapsulated && !FALLBACKS.includes(i.transferSyntaxUid))
    list.push({ abstractSyntax: i.sopClassUid, transferSyntaxes: FALLBACKS });
  return list;
}
