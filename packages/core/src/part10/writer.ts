/**
 * Writing DICOM files (PS3.10 §7): preamble, "DICM", a correct File Meta Information group, and the dataset in
 * the chosen transfer syntax: any uncompressed one, deflate, or the encapsulated one its Pixel Data is in.
 */
import { Dataset } from '../data/dataset.js';
import { DicomError } from '../errors.js';
import {
  findTransferSyntax,
  transferSyntaxOrDefault,
  ExplicitVRLittleEndian,
  type TransferSyntax,
} from '../encoding/transfer-syntax.js';
import { ChunkWriter, chunkBytes, concatChunks, type Chunk } from './byte-sink.js';
export { concatChunks };
import { readBulkRange } from '../data/bulk.js';
import { DatasetWriter, type DatasetWriteOptions } from './dataset-writer.js';
import { defaultDeflate, type Deflate } from './inflate.js';
import { DirectoryRecordSequenceTag, relocateDirectoryRecords } from './directory-offsets.js';
import { parseDicom } from './reader.js';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './version.js';

export interface WriteOptions extends DatasetWriteOptions {
  /** Transfer syntax UID or keyword; default: the one the file was read in, else Explicit VR Little Endian. */
  transferSyntax?: string;
  /** Implementation Class UID / Version Name in the File Meta: dicomkit's (default) or those already there. */
  implementation?: 'dicomkit' | 'keep';
  /** The 128-byte preamble: zeros by default. */
  preamble?: Uint8Array;
  /** Deflate for the deflated transfer syntax where Node's zlib is not available. */
  deflate?: Deflate;
}

export interface WritableFile {
  meta?: Dataset;
  dataset: Dataset;
  transferSyntax?: TransferSyntax;
}

function resolveTs(file: WritableFile, options: WriteOptions): TransferSyntax {
  if (options.transferSyntax) {
    const t = findTransferSyntax(options.transferSyntax);
    if (!t)
      throw new DicomError(
        'UNSUPPORTED_TRANSFER_SYNTAX',
        `unknown transfer syntax: ${options.transferSyntax}`,
      );
    return t;
  }
  const fromMeta = file.meta?.string(0x00020010);
  return file.transferSyntax ?? (fromMeta ? transferSyntaxOrDefault(fromMeta) : ExplicitVRLittleEndian);
}

/** Builds the File Meta Information group for a dataset (PS3.10 §7.1), keeping what the old one had. */
export function buildFileMeta(
  dataset: Dataset,
  ts: TransferSyntax,
  old?: Dataset,
  implementation: 'dicomkit' | 'keep' = 'dicomkit',
): Dataset {
  const meta = new Dataset();
  for (const el of old ?? []) if (el.tag !== 0x00020000 && el.tag >>> 16 === 0x0002) meta.add(el);
  // The File Meta written is version 1 of PS3.10 §7.1 (00H 01H), whatever version number the old one carried.
  const version = meta.get(0x00020001);
  const versionBytes = version && version.vr === 'OB' ? meta.bytes(0x00020001) : undefined;
  if (versionBytes?.length !== 2 || versionBytes[0] !== 0 || versionBytes[1] !== 1)
    meta.set(0x00020001, 'OB', new Uint8Array([0, 1]));
  const sopClass = dataset.string(0x00080016) ?? meta.string(0x00020002);
  const sopInstance = dataset.string(0x00080018) ?? meta.string(0x00020003);
  if (sopClass && meta.string(0x00020002) !== sopClass) meta.set(0x00020002, 'UI', sopClass);
  if (sopInstance && meta.string(0x00020003) !== sopInstance) meta.set(0x00020003, 'UI', sopInstance);
  if (meta.string(0x00020010) !== ts.uid) meta.set(0x00020010, 'UI', ts.uid);
  if (implementation === 'dicomkit' || !meta.has(0x00020012)) {
    meta.set(0x00020012, 'UI', IMPLEMENTATION_CLASS_UID);
    meta.set(0x00020013, 'SH', IMPLEMENTATION_VERSION_NAME);
  }
  // Group length last: it counts every other element of the group.
  const body = new ChunkWriter();
  new DatasetWriter({ explicitVR: true, littleEndian: true, encapsulated: false }).writeDataset(body, meta);
  meta.set(0x00020000, 'UL', body.length);
  return meta;
}

function encodeDataset(
  dataset: Dataset,
  transferSyntax: string | TransferSyntax,
  options: WriteOptions,
): Chunk[] {
  const ts = typeof transferSyntax === 'string' ? transferSyntaxOrDefault(transferSyntax) : transferSyntax;
  const w = new ChunkWriter(4096);
  const deferBulkData = !!options.deferBulkData && !ts.deflated;
  new DatasetWriter(
    { explicitVR: ts.explicitVR, littleEndian: ts.littleEndian, encapsulated: ts.encapsulated },
    { ...options, deferBulkData },
  ).writeDataset(w, dataset);
  if (ts.deflated) return [(options.deflate ?? defaultDeflate)(w.concat())];
  return w.finish();
}

function encodeFile(file: WritableFile, options: WriteOptions): Chunk[] {
  const ts = resolveTs(file, options);
  const meta = buildFileMeta(file.dataset, ts, file.meta, options.implementation);
  const write = (dataset: Dataset, opts: WriteOptions): Chunk[] => {
    const w = new ChunkWriter(4096);
    w.bytes(options.preamble ?? new Uint8Array(128));
    w.ascii('DICM');
    new DatasetWriter({ explicitVR: true, littleEndian: true, encapsulated: false }).writeDataset(w, meta);
    return [...w.finish(), ...encodeDataset(dataset, ts, opts)];
  };
  // A DICOMDIR's record offsets count bytes in the file: where the records moved, write them again with new offsets.
  if (!ts.deflated && file.dataset.get(DirectoryRecordSequenceTag)?.items?.length) {
    const chunks = write(file.dataset, { ...options, deferBulkData: false });
    const relocated = relocateDirectoryRecords(
      file.dataset,
      parseDicom(concatChunks(chunks.map(chunkBytes))).dataset,
    );
    return relocated ? write(relocated, options) : chunks;
  }
  return write(file.dataset, options);
}

/** Encodes a bare dataset (no File Meta) in a transfer syntax, as chunks. */
export function writeDatasetChunks(
  dataset: Dataset,
  transferSyntax: string | TransferSyntax,
  options: WriteOptions = {},
): Uint8Array[] {
  return encodeDataset(dataset, transferSyntax, { ...options, deferBulkData: false }).map(chunkBytes);
}

/** Encodes a bare dataset (no File Meta) in a transfer syntax. */
export function writeDataset(
  dataset: Dataset,
  transferSyntax: string | TransferSyntax,
  options: WriteOptions = {},
): Uint8Array {
  return concatChunks(writeDatasetChunks(dataset, transferSyntax, options));
}

/** A Part 10 file as chunks (large values are not copied): write them in order to a file or stream. */
export function writeDicomChunks(file: WritableFile, options: WriteOptions = {}): Uint8Array[] {
  return encodeFile(file, { ...options, deferBulkData: false }).map(chunkBytes);
}

export interface StreamOptions {
  /** Size of the pieces a value left in its source is read in (default 1 MiB). */
  pieceSize?: number;
  /**
   * Read every piece into one reused buffer: each yielded array is then valid only until the next one is
   * requested (right for writing to a file as you go; wrong for collecting them). Default false.
   */
  reuseBuffer?: boolean;
}

/** Yields a chunk's bytes, a value left in its source in pieces of at most `pieceSize` bytes. */
function* piecesOf(chunks: Chunk[], options: StreamOptions): Generator<Uint8Array> {
  const piece = options.pieceSize ?? 1 << 20;
  let scratch: Uint8Array | undefined;
  for (const c of chunks) {
    if (c instanceof Uint8Array) {
      yield c;
      continue;
    }
    for (let at = 0; at < c.length; at += piece) {
      const n = Math.min(piece, c.length - at);
      if (options.reuseBuffer && c.source.readInto) {
        scratch ??= new Uint8Array(piece);
        const view = scratch.subarray(0, n);
        c.source.readInto(c.offset + at, view);
        yield view;
      } else yield readBulkRange(c, at, n);
    }
  }
}

/**
 * The streaming writer: a Part 10 file as a sequence of byte arrays, in which values left in their source (bulk
 * data of a file read lazily) are read piece by piece as the sequence is consumed, so writing a 2 GB file costs
 * memory the size of its header plus one piece (default 1 MiB). Feed it to a file, a socket or `Readable.from`.
 */
export function writeDicomStream(
  file: WritableFile,
  options: WriteOptions & StreamOptions = {},
): Generator<Uint8Array> {
  return piecesOf(encodeFile(file, { ...options, deferBulkData: true }), options);
}

/** The streaming writer for a bare dataset (no File Meta), as DIMSE sends one. See {@link writeDicomStream}. */
export function writeDatasetStream(
  dataset: Dataset,
  transferSyntax: string | TransferSyntax,
  options: WriteOptions & StreamOptions = {},
): Generator<Uint8Array> {
  return piecesOf(encodeDataset(dataset, transferSyntax, { ...options, deferBulkData: true }), options);
}

/** A Part 10 file as one byte array. */
export function writeDicom(file: WritableFile, options: WriteOptions = {}): Uint8Array {
  return concatChunks(writeDicomChunks(file, options));
}
