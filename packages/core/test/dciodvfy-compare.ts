/**
 * Running dciodvfy (dicom3tools, the DICOM standard editor's IOD validator) and sorting what it says into
 * "encoding" — how the bytes are laid out: File Meta (PS3.10 §7.1), group lengths (PS3.5 §7.2), value lengths and
 * padding (PS3.5 §6.2), VRs, sequence delimitation (PS3.5 §7.5), the dicomkit writer's responsibility — and
 * "content": what the object says (missing or empty attributes, bad values, IOD rules), which a writer inherits.
 */
import { spawn } from 'node:child_process';

export type Severity = 'Error' | 'Warning';
export type Kind = 'encoding' | 'content';

export interface Message {
  severity: Severity;
  kind: Kind;
  /** The line as dciodvfy printed it, with the File Meta copies of SOP Class/Instance UID named as the dataset's. */
  text: string;
}

export interface Report {
  /** dciodvfy died of a signal (it asserts on some files, e.g. Bits Allocated 32 in OB/OW Pixel Data). */
  aborted: boolean;
  messages: Message[];
  /** dciodvfy stopped reading the dataset early ("Dicom dataset read failed"): it checked the content only in part. */
  partlyRead: boolean;
}

/**
 * Messages about the encoding. A message names its element with "(0x0002,0x0010)"-style tags; File Meta
 * elements other than Media Storage SOP Class/Instance UID (copies of the dataset's, see {@link metaCopyAsDataset})
 * are ours; so are the read failures, lengths, padding and VRs.
 */
const ENCODING: readonly RegExp[] = [
  /Module=<FileMetaInformation>/, // a missing File Meta element
  /FileMetaInformation/, // e.g. "Bad FileMetaInformationVersion Attribute"
  /MediaStorageSOP(Class|Instance)UID different from/, // PS3.10 §7.1: the File Meta copy must equal the dataset's
  /\(0x0002,0x(0000|0001|0010|0012|0013|0016|0100|0102)\)/, // group length, version, transfer syntax, implementation UID/name, source AE, private info
  /Transfer ?Syntax/i,
  /Implementation (Class UID|Version Name)/,
  /Bad group length/i,
  /Value Length/i, // "Bad Value Length - not a multiple of 2", "Bad Explicit Value Length for Sequence Item"
  /not a multiple of 2|odd length/i,
  /Undefined value length/i,
  /read failed|Seek failed|Bad tag in sequence|Delimiter/i,
  /Invalid Value Representation|Value representation unsupported|Implicit VR encoding even though/i,
  /Trailing character invalid/, // padding: a NUL where a space belongs, or a space after a UID
  /Premature end|end of file|Preamble/i,
];

/**
 * Encoding messages a written file must never have, whatever its original had: the writer builds the File Meta
 * anew (PS3.10 §7.1) and computes every group length (PS3.5 §7.2).
 */
const ALWAYS_OURS: readonly RegExp[] = [
  /FileMetaInformation/,
  /MediaStorageSOP(Class|Instance)UID different from/,
  /\(0x0002,0x(0000|0001|0010|0012|0013)\)/,
  /Implementation (Class UID|Version Name)/,
  /Bad group length/i,
];

/** A message about something the writer always makes itself (see {@link ALWAYS_OURS}). */
export function isAlwaysOurs(text: string): boolean {
  return ALWAYS_OURS.some((r) => r.test(text));
}

/** dciodvfy's messages that say it could not read the whole dataset. */
const PARTLY_READ = /Dicom dataset read failed|Tag read failed|Attribute read failed|Seek failed/;

/** The kind of one dciodvfy message. */
export function classify(text: string): Kind {
  return ENCODING.some((r) => r.test(text)) ? 'encoding' : 'content';
}

/**
 * PS3.10 §7.1 has the writer copy SOP Class/Instance UID into the File Meta: an invalid UID of the object is then
 * reported twice. The copy's message is named as the dataset element's, so that it counts as that one (content).
 */
export function metaCopyAsDataset(text: string): string {
  return text
    .replace(/\(0x0002,0x0002\) (UI )?Media Storage SOP Class UID/g, '(0x0008,0x0016) $1SOP Class UID')
    .replace(/\(0x0002,0x0003\) (UI )?Media Storage SOP Instance UID/g, '(0x0008,0x0018) $1SOP Instance UID');
}

/**
 * dciodvfy's output as messages (lines without "Error - " or "Warning - " are the IOD name and the like). A
 * message on the File Meta copy of SOP Class/Instance UID that repeats one on the dataset element is the same fault
 * reported twice, and counted once.
 */
export function parseOutput(output: string, aborted: boolean): Report {
  const all: { m: Message; copy: boolean }[] = [];
  for (const raw of output.split('\n')) {
    const hit = /(?:^|\s)(Error|Warning) - /.exec(raw);
    if (!hit) continue;
    const line = raw.trim();
    const text = metaCopyAsDataset(line);
    all.push({ m: { severity: hit[1] as Severity, kind: classify(text), text }, copy: text !== line });
  }
  const dataset = new Map<string, number>();
  for (const { m, copy } of all) if (!copy) dataset.set(m.text, (dataset.get(m.text) ?? 0) + 1);
  const messages: Message[] = [];
  for (const { m, copy } of all) {
    const n = copy ? (dataset.get(m.text) ?? 0) : 0;
    if (n > 0) dataset.set(m.text, n - 1);
    else messages.push(m);
  }
  // A File Meta copy missing because the dataset has no SOP Class/Instance UID either is the object's fault.
  for (const m of messages) {
    const meta = /Element=<MediaStorage(SOPClassUID|SOPInstanceUID)> Module=<FileMetaInformation>/.exec(
      m.text,
    );
    if (meta && messages.some((d) => d.text.includes(`Element=<${meta[1]}> Module=<SOPCommon>`)))
      m.kind = 'content';
  }
  return { aborted, messages, partlyRead: messages.some((m) => PARTLY_READ.test(m.text)) };
}

/** Runs dciodvfy on one file. */
export function dciodvfy(path: string): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn('dciodvfy', [path], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => out.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      // latin1: values are printed as they are in the file, in whatever character set.
      resolve(parseOutput(Buffer.concat(out).toString('latin1'), signal !== null));
    });
  });
}

/** Runs dciodvfy on every path, `parallel` processes at a time; reports by path. */
export async function dciodvfyAll(paths: readonly string[], parallel = 3): Promise<Map<string, Report>> {
  const out = new Map<string, Report>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const p = paths[next++]!;
      out.set(p, await dciodvfy(p));
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, paths.length) }, worker));
  return out;
}

export const errorCount = (r: Report): number => r.messages.filter((m) => m.severity === 'Error').length;

/** Messages of `written` not in `original` (as multisets of lines). */
export function newMessages(original: Report, written: Report): Message[] {
  const left = new Map<string, number>();
  for (const m of original.messages) left.set(m.text, (left.get(m.text) ?? 0) + 1);
  const added: Message[] = [];
  for (const m of written.messages) {
    const n = left.get(m.text) ?? 0;
    if (n > 0) left.set(m.text, n - 1);
    else added.push(m);
  }
  return added;
}
