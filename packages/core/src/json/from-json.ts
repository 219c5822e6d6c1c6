/**
 * DICOM JSON Model (PS3.18 Annex F) → Dataset: the mirror image of toJson. Every problem is a DicomError
 * 'INVALID_JSON' naming the tag path: a wrong type, invalid base64, a number a VR cannot hold, nesting deeper
 * than `maxDepth`.
 */
import { Dataset } from '../data/dataset.js';
import { formatTag } from '../data/tag.js';
import { DicomError } from '../errors.js';
import { isVR, type VR } from '../encoding/vr.js';
import { buildElement, failAt, type AttributeValue, type Fail } from './attribute-model.js';
import { Base64Error, decodeBase64 } from './base64.js';

export interface FromJsonOptions {
  /** Deepest sequence nesting accepted (default 64, as the Part 10 reader). */
  maxDepth?: number;
  /**
   * Fetches the value a BulkDataURI names. Without it, or when it returns undefined, the element keeps the URI
   * (toJson writes it back) and reading its bytes throws.
   */
  resolveBulkData?: (uri: string, info: { tag: number; vr: VR; tagPath: string }) => Uint8Array | undefined;
}

function invalid(message: string, tagPath: string): DicomError {
  return new DicomError('INVALID_JSON', message, tagPath ? { tagPath } : {});
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function personName(v: unknown, fail: Fail): string | null {
  if (v === null) return null;
  if (!isObject(v))
    return fail(
      `a PN value is an object with Alphabetic, Ideographic and Phonetic, not ${JSON.stringify(v)}`,
    );
  const groups: string[] = [];
  for (const [i, key] of ['Alphabetic', 'Ideographic', 'Phonetic'].entries()) {
    const g = v[key];
    if (g === undefined || g === null) groups[i] = '';
    else if (typeof g !== 'string') return fail(`PN ${key} must be a string`);
    else if (g.includes('=')) return fail(`PN ${key} cannot hold "=" (it separates component groups)`);
    else groups[i] = g;
  }
  for (const key of Object.keys(v))
    if (key !== 'Alphabetic' && key !== 'Ideographic' && key !== 'Phonetic')
      fail(`unknown PN component group "${key}"`);
  while (groups.length && groups[groups.length - 1] === '') groups.pop();
  return groups.join('=');
}

class JsonReader {
  private readonly maxDepth: number;
  constructor(private readonly options: FromJsonOptions) {
    this.maxDepth = options.maxDepth ?? 64;
  }

  dataset(obj: unknown, path: string, depth: number, parent?: Dataset): Dataset {
    if (!isObject(obj))
      throw invalid(
        `a dataset is a JSON object, not ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`,
        path,
      );
    const ds = new Dataset();
    if (parent) ds.parent = parent;
    // Sort by tag so the dataset keeps tag order cheaply, and so the Specific Character Set comes before the values it governs.
    const keys = Object.keys(obj).sort((a, b) => a.toUpperCase().localeCompare(b.toUpperCase()));
    for (const key of keys) {
      if (!/^[0-9A-Fa-f]{8}$/.test(key)) throw invalid(`"${key}" is not a tag (8 hexadecimal digits)`, path);
      const tag = parseInt(key, 16) >>> 0;
      const p = path ? `${path}.${formatTag(tag)}` : formatTag(tag);
      ds.add(this.attribute(ds, tag, obj[key], p, depth));
    }
    return ds;
  }

  private attribute(ds: Dataset, tag: number, a: unknown, path: string, depth: number) {
    const fail = failAt(invalid, path);
    if (!isObject(a)) return fail('an attribute is a JSON object with "vr"');
    const vr = a.vr;
    if (typeof vr !== 'string' || !isVR(vr))
      return fail(`"vr" is missing or not a VR: ${JSON.stringify(vr)}`);
    const has = ['Value', 'BulkDataURI', 'InlineBinary'].filter((k) => a[k] !== undefined);
    if (has.length > 1)
      fail(`an attribute holds at most one of Value, BulkDataURI and InlineBinary, not ${has.join(' and ')}`);
    for (const k of Object.keys(a))
      if (k !== 'vr' && k !== 'Value' && k !== 'BulkDataURI' && k !== 'InlineBinary')
        fail(`unknown member "${k}"`);
    let value: AttributeValue;
    if (a.InlineBinary !== undefined) {
      if (typeof a.InlineBinary !== 'string') return fail('InlineBinary must be a base64 string');
      try {
        value = { kind: 'bytes', bytes: decodeBase64(a.InlineBinary) };
      } catch (e) {
        return fail(
          `invalid InlineBinary: ${e instanceof Base64Error ? `${e.message} (character ${e.position})` : String(e)}`,
        );
      }
    } else if (a.BulkDataURI !== undefined) {
      if (typeof a.BulkDataURI !== 'string') return fail('BulkDataURI must be a string');
      const bytes = this.options.resolveBulkData?.(a.BulkDataURI, { tag, vr, tagPath: path });
      value = bytes ? { kind: 'bytes', bytes } : { kind: 'bulk', uri: a.BulkDataURI };
      if (
        bytes &&
        vr !== 'OB' &&
        vr !== 'OD' &&
        vr !== 'OF' &&
        vr !== 'OL' &&
        vr !== 'OV' &&
        vr !== 'OW' &&
        vr !== 'UN'
      ) {
        fail(`resolving a BulkDataURI of ${vr} is not supported (only binary VRs)`);
      }
    } else if (a.Value !== undefined) {
      const v = a.Value;
      if (!Array.isArray(v)) return fail('"Value" must be an array');
      if (v.length === 0) value = { kind: 'empty' };
      else if (vr === 'SQ') {
        if (depth + 1 > this.maxDepth)
          throw new DicomError('INVALID_JSON', `sequences nested deeper than ${this.maxDepth}`, {
            tagPath: path,
          });
        value = {
          kind: 'items',
          items: v.map((item, i) => this.dataset(item, `${path}[${i}]`, depth + 1, ds)),
        };
      } else if (vr === 'PN') value = { kind: 'strings', values: v.map((x) => personName(x, fail)) };
      else if (['IS', 'DS', 'SV', 'UV', 'US', 'SS', 'UL', 'SL', 'FL', 'FD'].includes(vr)) {
        value = {
          kind: 'numbers',
          values: v.map((x) => {
            if (x === null || typeof x === 'number' || typeof x === 'string') return x;
            return fail(`${vr} values are numbers, not ${JSON.stringify(x)}`);
          }),
        };
      } else if (['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN'].includes(vr)) {
        return fail(`${vr} values are sent as InlineBinary or BulkDataURI, not Value`);
      } else {
        value = {
          kind: 'strings',
          values: v.map((x) => {
            if (x === null || typeof x === 'string') return x;
            return fail(`${vr} values are strings, not ${JSON.stringify(x)}`);
          }),
        };
      }
    } else value = { kind: 'empty' };
    return buildElement(ds, tag, vr, value, fail);
  }
}

/**
 * A Dataset from a DICOM JSON Model object (PS3.18 §F.2) or its text. Values become what a Part 10 reader would
 * give: IS/DS keep their text, PN joins its component groups with "=", AT parses "GGGGEEEE"; an InlineBinary Pixel
 * Data that holds an encapsulated Value Field (items) becomes encapsulated Pixel Data.
 */
export function fromJson(json: unknown, options: FromJsonOptions = {}): Dataset {
  let obj = json;
  if (typeof json === 'string') {
    try {
      obj = JSON.parse(json);
    } catch (e) {
      throw new DicomError('INVALID_JSON', `not JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  return new JsonReader(options).dataset(obj, '', 0);
}
