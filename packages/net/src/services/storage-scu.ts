/**
 * Storage Service Class, SCU side (PS3.4 Annex B, PS3.7 §9.1.1 C-STORE): sends Part 10 files. When the peer
 * accepted the file's own transfer syntax, the data set's bytes go from the file to the socket as they are
 * (streamed for large files); otherwise an uncompressed file is re-encoded in an accepted uncompressed one.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { DicomError, transferSyntaxOrDefault, writeDatasetChunks, UNCOMPRESSED_TRANSFER_SYNTAXES } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import type { Association } from '../association.js';
import { CommandField, Priority } from '../dimse/command.js';

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

/** Reads the File Meta Information group of a Part 10 file (PS3.10 §7.1) without reading the data set. */
export function readPart10Info(path: string): Part10Info {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 64 * 1024));
    readSync(fd, head, 0, head.length, 0);
    const notPart10 = (why: string): never => {
      throw new DicomError('INVALID_FILE_META', `${path}: ${why}`, { offset: 128 });
    };
    if (head.length < 132 || head[128] !== 0x44 || head[129] !== 0x49 || head[130] !== 0x43 || head[131] !== 0x4d) {
      // No Part 10 header: let the core reader work it out (it detects the encoding), then describe it.
      const f = readDicomFileSync(path, { stopBeforePixelData: true });
      const sopClassUid = f.dataset.string(0x00080016);
      const sopInstanceUid = f.dataset.string(0x00080018);
      if (!sopClassUid || !sopInstanceUid) notPart10('no File Meta and no SOP Class/Instance UID');
      return { sopClassUid: sopClassUid!, sopInstanceUid: sopInstanceUid!, transferSyntaxUid: f.transferSyntax.uid, datasetOffset: -1, size };
    }
    const dv = new DataView(head.buffer);
    let at = 132;
    const values = new Map<number, string>();
    while (at + 8 <= head.length) {
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
      if (valueAt + len > head.length) notPart10('File Meta element runs past the first 64 KiB');
      if (vr === 'UI') values.set(tag, String.fromCharCode(...head.subarray(valueAt, valueAt + len)).replace(/[\0 ]+$/, ''));
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
      if (!sopClassUid || !sopInstanceUid) notPart10('neither the File Meta nor the data set gives the SOP Class and Instance UIDs');
    }
    return { sopClassUid: sopClassUid!, sopInstanceUid: sopInstanceUid!, transferSyntaxUid: transferSyntaxUid!, datasetOffset, size };
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

/** Reads a data set's bytes from a file, in chunks (bounded memory for any size). */
async function* fileBytes(path: string, start: number, size: number): AsyncIterable<Uint8Array> {
  if (size - start <= 8 * 1024 * 1024) {
    const fd = openSync(path, 'r');
    try {
      const b = Buffer.allocUnsafe(size - start); // every byte is read into it: no zero-fill
      let o = 0;
      while (o < b.length) {
        const n = readSync(fd, b, o, b.length - o, start + o);
        if (n === 0) throw new DicomError('TRUNCATED', `${path} shrank while being sent`);
        o += n;
      }
      yield b;
    } finally {
      closeSync(fd);
    }
    return;
  }
  for await (const chunk of createReadStream(path, { start, highWaterMark: 1024 * 1024 })) yield chunk as Uint8Array;
}

/** Sends one file with C-STORE and returns the peer's status. */
export async function storeFile(association: Association, path: string, info = readPart10Info(path), opts: { priority?: number; moveOriginator?: { aeTitle: string; messageId: number }; signal?: AbortSignal } = {}): Promise<StoreResult> {
  let ctx = association.findContext(info.sopClassUid, info.transferSyntaxUid);
  let data: AsyncIterable<Uint8Array> | Uint8Array[];
  if (ctx && info.datasetOffset >= 0) data = fileBytes(path, info.datasetOffset, info.size);
  else if (ctx) data = writeDatasetChunks(readDicomFileSync(path, { bulkDataThreshold: Infinity }).dataset, ctx.transferSyntax);
  else {
    const source = transferSyntaxOrDefault(info.transferSyntaxUid);
    ctx = ctx ?? (source.encapsulated ? undefined : association.contexts.find((c) => c.abstractSyntax === info.sopClassUid && UNCOMPRESSED_TRANSFER_SYNTAXES.some((t) => t.uid === c.transferSyntax)));
    if (!ctx) {
      const any = association.findContext(info.sopClassUid);
      throw new DicomError(
        'DIMSE_ERROR',
        any ? `the peer accepted ${info.sopClassUid} only in ${any.transferSyntax}, not in ${info.transferSyntaxUid}` : `the peer did not accept SOP class ${info.sopClassUid}`,
      );
    }
    const f = readDicomFileSync(path, { bulkDataThreshold: Infinity });
    data = writeDatasetChunks(f.dataset, ctx.transferSyntax);
  }
  const rsp = await association.requestResponse(
    ctx.id,
    {
      CommandField: CommandField.CStoreRq,
      AffectedSOPClassUID: info.sopClassUid,
      AffectedSOPInstanceUID: info.sopInstanceUid,
      Priority: opts.priority ?? Priority.Medium,
      CommandDataSetType: 0x0000,
      ...(opts.moveOriginator ? { MoveOriginatorApplicationEntityTitle: opts.moveOriginator.aeTitle, MoveOriginatorMessageID: opts.moveOriginator.messageId } : {}),
    },
    data,
    opts.signal ? { signal: opts.signal } : {},
  );
  return { status: rsp.command.Status ?? 0, transferSyntaxUid: ctx.transferSyntax, ...(rsp.command.ErrorComment ? { errorComment: rsp.command.ErrorComment } : {}) };
}

/**
 * Presentation contexts to propose for a set of files: per SOP class, one context with the file's own transfer
 * syntax first (so the peer can accept it alone, PS3.8 §9.3.2.2) and, for files not encapsulated, one with the
 * uncompressed fallbacks. Identical proposals are made once.
 */
export function contextsFor(infos: Part10Info[]): { abstractSyntax: string; transferSyntaxes: string[] }[] {
  const out = new Map<string, { abstractSyntax: string; transferSyntaxes: string[] }>();
  for (const i of infos) for (const c of fileContexts(i)) out.set(`${c.abstractSyntax}|${c.transferSyntaxes.join(',')}`, c);
  return [...out.values()];
}

/** The contexts one file needs (see {@link contextsFor}). */
export function fileContexts(i: Part10Info): { abstractSyntax: string; transferSyntaxes: string[] }[] {
  const own = proposalFor(i);
  const list = [{ abstractSyntax: i.sopClassUid, transferSyntaxes: own }];
  if (!transferSyntaxOrDefault(i.transferSyntaxUid).encapsulated && !FALLBACKS.includes(i.transferSyntaxUid)) list.push({ abstractSyntax: i.sopClassUid, transferSyntaxes: FALLBACKS });
  return list;
}
