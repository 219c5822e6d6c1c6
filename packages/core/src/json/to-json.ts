/**
 * Dataset → DICOM JSON Model (PS3.18 Annex F): `{ "GGGGEEEE": { vr, Value | BulkDataURI | InlineBinary } }`.
 * See attribute-model.ts for how each VR is mapped and docs/json-xml.md for the conformance choices.
 */
import type { Dataset } from '../data/dataset.js';
import type { DicomElement } from '../data/element.js';
import { isGroupLength, tagHex } from '../data/tag.js';
import { DicomError, isDicomError } from '../errors.js';
import type { VR } from '../encoding/vr.js';
import { modelVR, pathOf, readAttribute, unfetchedUri, valueLength } from './attribute-model.js';
import { encodeBase64 } from './base64.js';

export interface PersonNameJson {
  Alphabetic?: string;
  Ideographic?: string;
  Phonetic?: string;
}

export type JsonValue = string | number | null | PersonNameJson | DicomJson;

export interface DicomJsonAttribute {
  vr: VR;
  Value?: JsonValue[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

/** A DICOM JSON Model object: attributes by 8-digit uppercase hexadecimal tag. */
export type DicomJson = { [tag: string]: DicomJsonAttribute };

/** VRs whose values may be sent as a BulkDataURI (PS3.18 §F.2.2). */
export const BULK_DATA_URI_VRS: ReadonlySet<VR> = new Set<VR>([
  'DS',
  'FL',
  'FD',
  'IS',
  'LT',
  'OB',
  'OD',
  'OF',
  'OL',
  'OV',
  'OW',
  'SL',
  'SS',
  'ST',
  'SV',
  'UC',
  'UL',
  'UN',
  'US',
  'UT',
  'UV',
]);

export interface ToJsonOptions {
  /**
   * Names the value of an element by URI instead of carrying it inline (PS3.18 §F.2.6). Asked for elements of
   * the VRs in {@link BULK_DATA_URI_VRS} whose value is at least `bulkDataThreshold` bytes, and always for
   * encapsulated Pixel Data; return undefined to keep the value inline. `tagPath` is like "(0008,1115)[0].(7FE0,0010)".
   */
  bulkDataUri?: (el: DicomElement, tagPath: string) => string | undefined;
  /** Smallest value (bytes) offered to `bulkDataUri`; default 1024. */
  bulkDataThreshold?: number;
  /** Keep group length elements (gggg,0000); PS3.18 §F.2.2 leaves them out (default false). */
  groupLength?: boolean;
}

function splitPersonName(name: string): PersonNameJson {
  const groups = name.split('=');
  const out: PersonNameJson = {};
  if (groups[0]) out.Alphabetic = groups[0];
  if (groups[1]) out.Ideographic = groups[1];
  if (groups[2]) out.Phonetic = groups[2];
  return out;
}

function attribute(
  ds: Dataset,
  el: DicomElement,
  path: string,
  options: ToJsonOptions,
  depth: number,
): DicomJsonAttribute {
  const vr = modelVR(el);
  const out: DicomJsonAttribute = { vr };
  const pending = unfetchedUri(el);
  if (pending !== undefined) {
    out.BulkDataURI = pending;
    return out;
  }
  if (
    options.bulkDataUri &&
    BULK_DATA_URI_VRS.has(vr) &&
    (el.encapsulated || valueLength(el) >= (options.bulkDataThreshold ?? 1024))
  ) {
    const uri = options.bulkDataUri(el, path);
    if (uri !== undefined) {
      out.BulkDataURI = uri;
      return out;
    }
  }
  const value = readAttribute(ds, el);
  switch (value.kind) {
    case 'empty':
      break;
    case 'bulk':
      out.BulkDataURI = value.uri;
      break;
    case 'bytes':
      out.InlineBinary = encodeBase64(value.bytes);
      break;
    case 'items':
      out.Value = value.items.map((item, i) => datasetToJson(item, options, `${path}[${i}]`, depth + 1));
      break;
    case 'strings':
      out.Value =
        vr === 'PN' ? value.values.map((s) => (s === null ? null : splitPersonName(s))) : value.values;
      break;
    case 'numbers':
      out.Value = value.values;
      break;
  }
  return out;
}

function datasetToJson(ds: Dataset, options: ToJsonOptions, path: string, depth: number): DicomJson {
  const out: DicomJson = {};
  for (const el of ds) {
    if (!options.groupLength && isGroupLength(el.tag)) continue;
    const p = path ? `${path}.${pathOf('', el.tag)}` : pathOf('', el.tag);
    try {
      out[tagHex(el.tag)] = attribute(ds, el, p, options, depth);
    } catch (e) {
      if (isDicomError(e) && e.tagPath) throw e;
      const code = isDicomError(e) ? e.code : 'INVALID_VALUE';
      throw new DicomError(code, e instanceof Error ? e.message : String(e), { tagPath: p, cause: e });
    }
  }
  return out;
}

/**
 * The DICOM JSON Model object of a dataset (PS3.18 §F.2). Binary values are InlineBinary unless `bulkDataUri`
 * names them. JavaScript orders integer-like keys ("20010010") first in objects, so to get the attributes in
 * the ascending order §F.2.2 asks for in text, serialise with {@link stringifyDicomJson}.
 */
export function toJson(dataset: Dataset, options: ToJsonOptions = {}): DicomJson {
  return datasetToJson(dataset, options, '', 0);
}

function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * JSON text of a DICOM JSON Model object with attributes in ascending tag order (PS3.18 §F.2.2), whatever
 * order the object's keys are in. `indent` as for JSON.stringify (0 or undefined: compact).
 */
export function stringifyDicomJson(json: DicomJson, indent?: number): string {
  const parts: string[] = [];
  const nl = indent ? '\n' : '';
  const pad = (level: number): string => (indent ? ' '.repeat(indent * level) : '');
  const colon = indent ? ': ' : ':';
  const value = (v: JsonValue, level: number): void => {
    if (v === null || typeof v !== 'object') {
      // JSON.stringify writes -0 as 0; a negative zero FD/FL keeps its sign in the text.
      parts.push(Object.is(v, -0) ? '-0' : JSON.stringify(v));
      return;
    }
    const keys = Object.keys(v);
    if (keys.length === 0) {
      parts.push('{}');
      return;
    }
    const isDataset = keys.every((k) => /^[0-9A-Fa-f]{8}$/.test(k));
    if (isDataset) {
      dataset(v as DicomJson, level);
      return;
    }
    parts.push('{');
    keys.forEach((k, i) => {
      parts.push(
        `${i ? ',' : ''}${nl}${pad(level + 1)}${quote(k)}${colon}${JSON.stringify((v as Record<string, string>)[k])}`,
      );
    });
    parts.push(`${nl}${pad(level)}}`);
  };
  const dataset = (ds: DicomJson, level: number): void => {
    const keys = Object.keys(ds).sort();
    if (keys.length === 0) {
      parts.push('{}');
      return;
    }
    parts.push('{');
    keys.forEach((k, i) => {
      const a = ds[k]!;
      parts.push(
        `${i ? ',' : ''}${nl}${pad(level + 1)}${quote(k)}${colon}{${nl}${pad(level + 2)}"vr"${colon}${quote(a.vr)}`,
      );
      if (a.Value !== undefined) {
        parts.push(`,${nl}${pad(level + 2)}"Value"${colon}[`);
        a.Value.forEach((x, j) => {
          parts.push(`${j ? ',' : ''}${nl}${pad(level + 3)}`);
          value(x, level + 3);
        });
        parts.push(`${nl}${pad(level + 2)}]`);
      }
      if (a.BulkDataURI !== undefined)
        parts.push(`,${nl}${pad(level + 2)}"BulkDataURI"${colon}${quote(a.BulkDataURI)}`);
      if (a.InlineBinary !== undefined)
        parts.push(`,${nl}${pad(level + 2)}"InlineBinary"${colon}${quote(a.InlineBinary)}`);
      parts.push(`${nl}${pad(level + 1)}}`);
    });
    parts.push(`${nl}${pad(level)}}`);
  };
  dataset(json, 0);
  return parts.join('');
}
