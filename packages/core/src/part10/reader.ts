/**
 * Reading DICOM files (PS3.10 §7): preamble, "DICM", the File Meta Information group in Explicit VR Little
 * Endian, then the dataset in its transfer syntax. Also reads what real life brings: no preamble, no File Meta
 * (encoding detected as dcmtk does), ACR-NEMA datasets, meta groups in the wrong encoding, deflate.
 */
import { Dataset } from '../data/dataset.js';
import { MemorySource, type ByteSource } from '../data/bulk.js';
import { DicomError, type DicomWarning } from '../errors.js';
import { vrFromCode } from '../encoding/vr.js';
import {
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
  ExplicitVRBigEndian,
  transferSyntaxOrDefault,
  type TransferSyntax,
} from '../encoding/transfer-syntax.js';
import { lookupTag } from '../dictionary/dictionary.js';
import {
  DatasetReader,
  type DatasetReadOptions,
  type Refill,
  type Window,
  type ReaderState,
} from './dataset-reader.js';
import { defaultInflate, defaultInflateCap, type Inflate } from './inflate.js';
import { PixelDataTag, FloatPixelDataTag, DoubleFloatPixelDataTag, type Tag } from '../data/tag.js';

export interface ReadOptions extends DatasetReadOptions {
  /** Inflate for deflated transfer syntaxes where Node's zlib is not available (browsers). */
  inflate?: Inflate;
  /** Cap on the inflated size of a deflated dataset (default: 32× the compressed size + 8 MiB). */
  maxInflatedSize?: number;
  /** For input without File Meta: the transfer syntax to assume instead of detecting it. */
  transferSyntax?: string;
}

export interface DicomFile {
  /** The File Meta Information group (group 0002); empty when the input had none. */
  meta: Dataset;
  dataset: Dataset;
  /** The transfer syntax the dataset was read in. */
  transferSyntax: TransferSyntax;
  /** The 128-byte preamble, when present. Never executed or trusted (CVE-2019-11687). */
  preamble?: Uint8Array;
  /** How the input was framed. */
  format: 'part10' | 'no-preamble' | 'no-meta';
  /** Problems tolerated while reading. */
  warnings: DicomWarning[];
  /** Reading stopped on request (stopBeforePixelData / stopAtTag) before the end. */
  stopped: boolean;
}

const DICM = [0x44, 0x49, 0x43, 0x4d];

function hasDicm(b: Uint8Array, at: number): boolean {
  return (
    b.length >= at + 4 &&
    b[at] === DICM[0] &&
    b[at + 1] === DICM[1] &&
    b[at + 2] === DICM[2] &&
    b[at + 3] === DICM[3]
  );
}

/**
 * Guesses the encoding of a dataset without File Meta from its first element, as dcmtk does: explicit when bytes
 * 4–5 name a VR that fits the tag, little endian when the group reads as a small number that way.
 */
export function detectEncoding(b: Uint8Array, at: number): ReaderState {
  if (b.length < at + 8) return { explicitVR: false, littleEndian: true };
  const gLE = b[at]! | (b[at + 1]! << 8);
  const gBE = (b[at]! << 8) | b[at + 1]!;
  let littleEndian: boolean;
  if (gLE === 0x0002 || gLE === 0x0008) littleEndian = true;
  else if (gBE === 0x0002 || gBE === 0x0008) littleEndian = false;
  else littleEndian = gLE <= gBE; // the reading that gives the smaller group number is the plausible one
  return { explicitVR: vrFromCode(b[at + 4]!, b[at + 5]!) !== undefined, littleEndian };
}

/**
 * Whether the input starts with an explicit VR element the dictionary agrees with: then "DICM" at byte 128 with
 * no File Meta group after it is a coincidence in the data (dcm4che's no_preamble_dicm_in_data), not a preamble.
 */
function startsWithElement(b: Uint8Array): boolean {
  if (b.length < 8) return false;
  const tag = ((b[0]! | (b[1]! << 8)) << 16) | (b[2]! | (b[3]! << 8));
  const vr = vrFromCode(b[4]!, b[5]!);
  return vr !== undefined && (lookupTag(tag >>> 0)?.vrs.includes(vr) ?? false);
}

/** Whether the element at the reader's position looks explicit: its VR bytes name a VR the dictionary allows. */
function looksExplicit(reader: DatasetReader): boolean | undefined {
  const tag = reader.peekTag();
  if (tag < 0) return undefined;
  // Two upper-case letters where the VR goes: explicit, even when the dictionary disagrees with that VR or does
  // not know it (the element reader warns about those); anything else is a length: implicit.
  const code = reader.peekVRCode();
  if (!code) return undefined;
  const [b0, b1] = code;
  return b0 >= 0x41 && b0 <= 0x5a && b1 >= 0x41 && b1 <= 0x5a;
}

export function stopPredicate(o: DatasetReadOptions): ((t: Tag) => boolean) | undefined {
  const stopAt = o.stopAtTag;
  const px = o.stopBeforePixelData;
  if (stopAt === undefined && !px) return undefined;
  return (t) =>
    (stopAt !== undefined && t >= stopAt) ||
    (!!px && (t === PixelDataTag || t === FloatPixelDataTag || t === DoubleFloatPixelDataTag));
}

/**
 * Reads a whole DICOM input from a window over its source. `refill` brings more of the source into memory
 * (files); without it, the window is the whole source.
 */
export function readPart10(
  window: Window,
  size: number,
  options: ReadOptions = {},
  refill?: Refill,
  source?: ByteSource,
): DicomFile {
  const header = readHeader(window, size, options, refill, source);
  const dataset = new Dataset();
  let dsReader = header.reader;
  if (header.transferSyntax.deflated) {
    const start = dsReader.offset;
    const compressed = dsReader.take(size - start);
    if (!compressed) throw new DicomError('TRUNCATED', 'cannot read the deflated dataset', { offset: start });
    const cap = options.maxInflatedSize ?? defaultInflateCap(compressed.length);
    const inflated = (options.inflate ?? defaultInflate)(compressed, cap);
    dsReader = new DatasetReader(
      { bytes: inflated, base: 0 },
      inflated.length,
      { explicitVR: true, littleEndian: true },
      options,
      undefined,
      new MemorySource(inflated),
    );
    dsReader.warnings.push(...header.reader.warnings);
  }
  dsReader.readElements(dataset, -1, 0, stopPredicate(options));
  return finishFile(header, dataset, dsReader);
}

/** What comes before the dataset: framing, File Meta, transfer syntax, and a reader at the dataset's first byte. */
export interface Part10Header {
  meta: Dataset;
  transferSyntax: TransferSyntax;
  format: DicomFile['format'];
  preamble: Uint8Array | undefined;
  /** Positioned at the first byte of the dataset, in its encoding (for deflate: at the compressed bytes). */
  reader: DatasetReader;
}

/** Reads the preamble, "DICM" and File Meta, and settles the transfer syntax (checked against the data). */
export function readHeader(
  window: Window,
  size: number,
  options: ReadOptions = {},
  refill?: Refill,
  source?: ByteSource,
): Part10Header {
  const b = window.bytes;
  let at = 0;
  let format: DicomFile['format'] = 'no-meta';
  let preamble: Uint8Array | undefined;
  if (hasDicm(b, 128) && !(b[132] !== 0x02 && startsWithElement(b))) {
    preamble = b.subarray(0, 128);
    at = 132;
    format = 'part10';
  } else if (hasDicm(b, 0)) {
    at = 4;
    format = 'no-preamble';
  }
  const meta = new Dataset();
  let ts: TransferSyntax;
  const reader = new DatasetReader(
    { bytes: b.subarray(at), base: window.base + at },
    size,
    { explicitVR: true, littleEndian: true },
    options,
    refill ? (o, m) => refill(o, m) : undefined,
    source,
  );

  if (format !== 'no-meta' || (b.length >= 2 && b[0] === 0x02 && b[1] === 0x00)) {
    // File Meta Information: always Explicit VR Little Endian (PS3.10 §7.1); some writers got it wrong.
    const explicit = looksExplicit(reader);
    if (explicit === false)
      reader.warnings.push({
        code: 'INVALID_FILE_META',
        message: 'the File Meta Information is not in Explicit VR Little Endian; read as implicit',
        offset: at,
      });
    reader.setState({ explicitVR: explicit !== false, littleEndian: true });
    reader.readElements(meta, -1, 0, (t) => t >>> 16 !== 0x0002);
    reader.stopped = false;
    if (format === 'no-meta' && meta.size > 0) format = 'no-preamble';
    const groupLength = meta.number(0x00020000);
    const metaEnd = reader.offset;
    if (groupLength !== undefined && meta.get(0x00020000)!.offset + 12 + groupLength !== metaEnd) {
      reader.warnings.push({
        code: 'GROUP_LENGTH',
        message: `File Meta group length ${groupLength} does not match the group as read`,
        offset: at,
      });
    }
  }

  const tsUid = meta.string(0x00020010);
  if (tsUid) {
    ts = transferSyntaxOrDefault(tsUid);
  } else if (options.transferSyntax) {
    ts = transferSyntaxOrDefault(options.transferSyntax);
  } else {
    const rest = reader.take(8);
    let st: ReaderState = { explicitVR: false, littleEndian: true };
    if (rest) {
      st = detectEncoding(rest, 0);
      reader.skip(-8);
    }
    ts = st.explicitVR
      ? st.littleEndian
        ? ExplicitVRLittleEndian
        : ExplicitVRBigEndian
      : ImplicitVRLittleEndian;
    if (meta.size > 0)
      reader.warnings.push({
        code: 'INVALID_FILE_META',
        message: `no Transfer Syntax UID in the File Meta; detected ${ts.name}`,
      });
  }

  if (!ts.deflated) {
    reader.setState({ explicitVR: ts.explicitVR, littleEndian: ts.littleEndian });
    // Check the transfer syntax against the data: some files say explicit and are implicit, or the reverse.
    if (ts.littleEndian) {
      const explicit = looksExplicit(reader);
      if (explicit !== undefined && explicit !== ts.explicitVR) {
        const tag = reader.peekTag();
        const vr = reader.peekVR();
        // Only switch when the evidence is clear: explicit data has a VR the dictionary expects.
        if (!explicit || (vr && lookupTag(tag)?.vrs.includes(vr))) {
          reader.warnings.push({
            code: 'VR_MISMATCH',
            message: `the dataset is ${explicit ? 'explicit' : 'implicit'} VR but the transfer syntax says otherwise`,
            offset: reader.offset,
          });
          reader.setState({ explicitVR: explicit, littleEndian: true });
        }
      }
    }
  }
  return { meta, transferSyntax: ts, format, preamble, reader };
}

/** The checks made once the dataset is read, and the result. */
export function finishFile(header: Part10Header, dataset: Dataset, dsReader: DatasetReader): DicomFile {
  const { meta, transferSyntax: ts, format, preamble } = header;
  if (format === 'no-meta' && dataset.size === 0 && !dsReader.stopped) {
    throw new DicomError(
      'NOT_DICOM',
      `no preamble, no File Meta and no data element could be read: not DICOM (${dsReader.warnings[0]?.message ?? 'empty'})`,
      { offset: 0 },
    );
  }
  if (!ts.encapsulated && dataset.get(PixelDataTag)?.encapsulated) {
    dsReader.warnings.push({
      code: 'UNSUPPORTED_TRANSFER_SYNTAX',
      message: `encapsulated Pixel Data in a native transfer syntax (${ts.uid}): the Transfer Syntax UID is wrong (PS3.5 §A.4)`,
      tagPath: '(7FE0,0010)',
    });
  }
  const result: DicomFile = {
    meta,
    dataset,
    transferSyntax: ts,
    format,
    warnings: dsReader.warnings,
    stopped: dsReader.stopped,
  };
  if (preamble) result.preamble = preamble;
  return result;
}

/** Parses DICOM bytes held in memory (PS3.10 file, or a bare dataset). Values are views over `bytes`. */
export function parseDicom(bytes: Uint8Array, options: ReadOptions = {}): DicomFile {
  if (bytes.length === 0) throw new DicomError('NOT_DICOM', 'the input is empty', { offset: 0 });
  // A Node Buffer's subarray() goes through its species constructor: view it as a plain Uint8Array.
  if (bytes.constructor !== Uint8Array)
    bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return readPart10({ bytes, base: 0 }, bytes.length, options, undefined, new MemorySource(bytes));
}

/** Parses a bare dataset (no preamble, no File Meta) in a known transfer syntax, as DIMSE carries them. */
export function parseDataset(
  bytes: Uint8Array,
  transferSyntaxUid: string,
  options: ReadOptions = {},
): Dataset {
  const ts = transferSyntaxOrDefault(transferSyntaxUid);
  let b = bytes;
  if (ts.deflated)
    b = (options.inflate ?? defaultInflate)(
      bytes,
      options.maxInflatedSize ?? defaultInflateCap(bytes.length),
    );
  const reader = new DatasetReader(
    { bytes: b, base: 0 },
    b.length,
    { explicitVR: ts.explicitVR, littleEndian: ts.littleEndian },
    options,
    undefined,
    new MemorySource(b),
  );
  const ds = new Dataset();
  reader.readElements(ds, -1, 0, stopPredicate(options));
  return ds;
}
