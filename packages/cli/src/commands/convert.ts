/**
 * `dicomkit convert <in> <out> [--transfer-syntax <UID or keyword>]`: between DICOM (Part 10), DICOM JSON
 * (PS3.18 Annex F) and Native DICOM Model XML (PS3.19 Annex A), chosen by the file extensions (.json, .xml,
 * anything else is DICOM). DICOM output is written atomically. Moving Pixel Data between an encapsulated
 * (compressed) transfer syntax and another one goes through `transcode` of @dicomkit/imaging (codecs load on first use).
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import {
  Dataset,
  ExplicitVRLittleEndian,
  findTransferSyntax,
  fromJson,
  fromXml,
  stringifyDicomJson,
  toJson,
  toXml,
  transferSyntaxOrDefault,
  type TransferSyntax,
} from '@dicomkit/core';
import { readDicomFile, writeDicomFile } from '@dicomkit/core/node';
import { availableParallelism } from 'node:os';
import { SingleBar, Presets } from 'cli-progress';
import { pixelDescription, transcode, type TranscodeOptions } from '@dicomkit/imaging';
import { createCodecPool } from '@dicomkit/imaging/node';
import { createNativeCodecPool } from '@dicomkit/imaging-native';
import { reportAndExit, UsageError } from '../errors.js';
import { bulkUriNamer, intOption } from './web-model-options.js';

type Format = 'dicom' | 'json' | 'xml';

function formatOf(path: string): Format {
  const ext = extname(path).toLowerCase();
  return ext === '.json' ? 'json' : ext === '.xml' ? 'xml' : 'dicom';
}

const PIXEL_DATA_TAGS = [0x7fe00010, 0x7fe00008, 0x7fe00009];

interface Source {
  meta: Dataset;
  dataset: Dataset;
  /** The transfer syntax the source is in; undefined for JSON/XML that does not say. */
  transferSyntax: TransferSyntax | undefined;
}

/** JSON and XML carry no File Meta (PS3.18 §F.2, PS3.19 §A.1), but a document may hold group 0002 anyway (dcm2json +m). */
function splitMeta(ds: Dataset): Source {
  const meta = new Dataset();
  for (const el of [...ds]) {
    if (el.tag >>> 16 === 0x0002) {
      meta.add(el);
      ds.delete(el.tag);
    }
  }
  const ts = meta.string(0x00020010);
  return { meta, dataset: ds, transferSyntax: ts ? transferSyntaxOrDefault(ts) : undefined };
}

async function readSource(path: string): Promise<Source> {
  const format = formatOf(path);
  if (format === 'dicom') {
    const f = await readDicomFile(path);
    return { meta: f.meta, dataset: f.dataset, transferSyntax: f.transferSyntax };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return splitMeta(format === 'json' ? fromJson(text) : fromXml(text));
}

function targetSyntax(option: string | undefined, source: Source): TransferSyntax {
  if (option !== undefined) {
    const ts = findTransferSyntax(option);
    if (!ts)
      throw new UsageError(
        `unknown transfer syntax "${option}" (give a UID or a keyword such as ExplicitVRLittleEndian)`,
      );
    return ts;
  }
  if (source.transferSyntax) return source.transferSyntax;
  if (source.dataset.get(0x7fe00010)?.encapsulated) {
    throw new UsageError(
      'the input holds encapsulated (compressed) Pixel Data but does not say its transfer syntax: name it with --transfer-syntax',
    );
  }
  return ExplicitVRLittleEndian;
}

/** Whether writing in `target` needs the Pixel Data re-encoded: an encapsulated syntax on either side, and a change. */
export function needsTranscoding(
  source: TransferSyntax | undefined,
  target: TransferSyntax,
  dataset: Dataset,
): boolean {
  if (!PIXEL_DATA_TAGS.some((t) => dataset.has(t))) return false;
  const encapsulatedNow = !!dataset.get(0x7fe00010)?.encapsulated;
  const from = source ?? (encapsulatedNow ? undefined : ExplicitVRLittleEndian);
  if (from === undefined) return target.encapsulated === false;
  return from.uid !== target.uid && (from.encapsulated || target.encapsulated);
}

function writeTextAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export interface ConvertOptions {
  transferSyntax?: string;
  /** JPEG Lossless (1.2.840.10008.1.2.4.57): the predictor 1–7 (ITU-T T.81 Table H.1). */
  predictor?: number;
  /** JPEG XL (1.2.840.10008.1.2.4.112): the Butteraugli distance, 0..25 (0 lossless; default 1). */
  distance?: number;
  bulkUri?: string;
  bulkThreshold: number;
  indent: number;
  /** Worker threads for multi-frame transcoding (default: one per core; 1 = this thread only). */
  threads?: number;
  /** Decode JPEG 2000 and HTJ2K with the native libraries, in child processes (@dicomkit/imaging-native). */
  native?: boolean;
}

/** Re-encodes the pixel data: several frames at once in worker threads, with a progress bar on a terminal. */
async function transcodeFrames(
  file: Parameters<typeof transcode>[0],
  target: TransferSyntax,
  threads: number | undefined,
  native: boolean,
  options: TranscodeOptions,
): ReturnType<typeof transcode> {
  const frames = pixelDescription(file.dataset).numberOfFrames;
  const n = Math.min(threads ?? availableParallelism(), frames);
  // --native: child processes with the native decoders (one even for one frame: a crash there is an error here).
  const pool = native
    ? createNativeCodecPool({ processes: Math.max(1, n) })
    : n > 1
      ? createCodecPool({ threads: n })
      : undefined;
  const bar =
    process.stderr.isTTY && frames > 1
      ? new SingleBar(
          { format: 'convert [{bar}] {value}/{total} frames', hideCursor: true },
          Presets.shades_classic,
        )
      : undefined;
  bar?.start(frames, 0);
  try {
    return await transcode(file, target.uid, {
      ...options,
      ...(pool ? { pool } : {}),
      onFrame: (done) => bar?.update(done),
    });
  } finally {
    bar?.stop();
    await pool?.close();
  }
}

export async function convert(input: string, output: string, o: ConvertOptions): Promise<void> {
  const source = await readSource(input);
  const outFormat = formatOf(output);
  const bulk =
    o.bulkUri === undefined
      ? {}
      : { bulkDataUri: bulkUriNamer(o.bulkUri), bulkDataThreshold: o.bulkThreshold };
  if (outFormat === 'json') {
    if (o.transferSyntax !== undefined)
      throw new UsageError('--transfer-syntax applies to DICOM output only');
    writeTextAtomic(output, stringifyDicomJson(toJson(source.dataset, bulk), o.indent) + '\n');
    return;
  }
  if (outFormat === 'xml') {
    if (o.transferSyntax !== undefined)
      throw new UsageError('--transfer-syntax applies to DICOM output only');
    writeTextAtomic(output, toXml(source.dataset, bulk));
    return;
  }
  const target = targetSyntax(o.transferSyntax, source);
  if (o.predictor !== undefined && target.uid !== '1.2.840.10008.1.2.4.57')
    throw new UsageError('--predictor applies to JPEGLossless (1.2.840.10008.1.2.4.57) output only');
  if (o.predictor !== undefined && (o.predictor < 1 || o.predictor > 7))
    throw new UsageError(`--predictor must be 1..7, not ${o.predictor}`);
  if (o.distance !== undefined && target.uid !== '1.2.840.10008.1.2.4.112')
    throw new UsageError('--distance applies to JPEGXL (1.2.840.10008.1.2.4.112) output only');
  if (o.distance !== undefined && !(o.distance >= 0 && o.distance <= 25))
    throw new UsageError(`--distance must be 0..25, not ${o.distance}`);
  let file = { meta: source.meta, dataset: source.dataset, transferSyntax: source.transferSyntax ?? target };
  if (needsTranscoding(source.transferSyntax, target, source.dataset))
    file = await transcodeFrames(file, target, o.threads, o.native === true, {
      ...(o.predictor === undefined ? {} : { predictor: o.predictor }),
      ...(o.distance === undefined ? {} : { distance: o.distance, lossless: o.distance === 0 }),
    });
  await writeDicomFile(output, { meta: file.meta, dataset: file.dataset }, { transferSyntax: target.uid });
}

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description(
      'convert between DICOM, DICOM JSON (.json) and Native DICOM Model XML (.xml), or change the transfer syntax',
    )
    .argument('<in>', 'input: .json, .xml, or a DICOM file')
    .argument('<out>', 'output: .json, .xml, or a DICOM file')
    .option(
      '-t, --transfer-syntax <uid>',
      'transfer syntax of DICOM output (UID or keyword); default: that of the input',
    )
    .option(
      '--predictor <n>',
      'JPEGLossless output: the predictor, 1..7 (ITU-T T.81 Table H.1; default 1; JPEGLosslessSV1 is always 1)',
      intOption('--predictor'),
    )
    .option(
      '--distance <d>',
      'JPEGXL output: the Butteraugli distance, 0..25 (0 lossless, 1 visually lossless, the default)',
      (v: string) => {
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n))
          throw new InvalidArgumentError(`--distance must be a number, not "${v}"`);
        return n;
      },
    )
    .option(
      '--bulk-uri <prefix>',
      'JSON/XML output: values of --bulk-threshold bytes or more as BulkDataURIs under this prefix',
    )
    .option(
      '--bulk-threshold <bytes>',
      'smallest value written as a BulkDataURI',
      intOption('--bulk-threshold'),
      1024,
    )
    .option('--indent <n>', 'JSON output: spaces per indentation level', intOption('--indent'), 2)
    .option(
      '--threads <n>',
      'worker threads compressing/decompressing the frames of a multi-frame image (default: one per core)',
      intOption('--threads'),
    )
    .option(
      '--native',
      'decode JPEG 2000 and HTJ2K with the system OpenJPEG/OpenJPH (@dicomkit/imaging-native, built at install), in child processes: 1.5–1.9× faster than WASM',
    )
    .action(async (input: string, output: string, o: ConvertOptions) => {
      try {
        await convert(input, output, o);
      } catch (e) {
        reportAndExit(e, input);
      }
    });
}
