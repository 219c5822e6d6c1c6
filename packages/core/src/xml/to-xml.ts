/**
 * Dataset → Native DICOM Model XML (PS3.19 §A.1): NativeDicomModel, DicomAttribute (tag, vr, keyword,
 * privateCreator), Value number=, PersonName number= with Alphabetic/Ideographic/Phonetic and their
 * FamilyName, GivenName, MiddleName, NamePrefix, NameSuffix, InlineBinary, BulkData uri=, Item number=.
 *
 * Private data elements are written as dcmtk's dcm2xml writes them: the tag with the block byte cleared
 * ("00091001" → "00090001") and the Private Creator in the privateCreator attribute (PS3.19 §A.1), so a reader
 * places the element in whatever block that creator holds in its dataset (PS3.5 §7.8.1).
 */
import type { Dataset } from '../data/dataset.js';
import type { DicomElement } from '../data/element.js';
import { isGroupLength, isPrivateCreator, isPrivateTag, tagHex } from '../data/tag.js';
import { lookupTag } from '../dictionary/dictionary.js';
import { DicomError, isDicomError } from '../errors.js';
import { modelVR, pathOf, readAttribute, unfetchedUri, valueLength } from '../json/attribute-model.js';
import { encodeBase64 } from '../json/base64.js';
import { BULK_DATA_URI_VRS } from '../json/to-json.js';
import { escapeXml } from './xml-reader.js';

export interface ToXmlOptions {
  /** As for toJson: names values by URI (BulkData uri=) instead of InlineBinary. */
  bulkDataUri?: (el: DicomElement, tagPath: string) => string | undefined;
  /** Smallest value (bytes) offered to `bulkDataUri`; default 1024. */
  bulkDataThreshold?: number;
  /** Line breaks between elements (default true). */
  pretty?: boolean;
}

/** The namespace of the Native DICOM Model (PS3.19 §A.1). */
export const NATIVE_DICOM_MODEL_NAMESPACE = 'http://dicom.nema.org/PS3.19/models/NativeDICOM';

export const PN_COMPONENTS = ['FamilyName', 'GivenName', 'MiddleName', 'NamePrefix', 'NameSuffix'] as const;
export const PN_GROUPS = ['Alphabetic', 'Ideographic', 'Phonetic'] as const;

/** Characters XML 1.0 cannot carry at all, not even as references (PS3.5 allows FF and ESC in text VRs). */
const NOT_XML = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

function text(s: string, path: string): string {
  const bad = NOT_XML.exec(s);
  if (bad)
    throw new DicomError(
      'INVALID_VALUE',
      `character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} cannot be written in XML 1.0`,
      { tagPath: path },
    );
  return escapeXml(s);
}

function personName(name: string, path: string): string {
  let out = '';
  name.split('=').forEach((group, g) => {
    if (!group || g > 2) return;
    const parts = group.split('^');
    // More than five components (invalid, but seen) stay in NameSuffix so nothing is lost.
    if (parts.length > 5) parts.splice(4, parts.length - 4, parts.slice(4).join('^'));
    let inner = '';
    parts.forEach((p, i) => {
      if (p) inner += `<${PN_COMPONENTS[i]}>${text(p, path)}</${PN_COMPONENTS[i]}>`;
    });
    if (inner) out += `<${PN_GROUPS[g]}>${inner}</${PN_GROUPS[g]}>`;
  });
  return out;
}

class XmlWriter {
  readonly parts: string[] = [];
  private readonly nl: string;
  constructor(private readonly options: ToXmlOptions) {
    this.nl = options.pretty === false ? '' : '\n';
  }

  dataset(ds: Dataset, path: string): void {
    for (const el of ds) {
      if (isGroupLength(el.tag)) continue;
      const p = path ? `${path}.${pathOf('', el.tag)}` : pathOf('', el.tag);
      try {
        this.attribute(ds, el, p);
      } catch (e) {
        if (isDicomError(e) && e.tagPath) throw e;
        throw new DicomError(
          isDicomError(e) ? e.code : 'INVALID_VALUE',
          e instanceof Error ? e.message : String(e),
          { tagPath: p, cause: e },
        );
      }
    }
  }

  private attribute(ds: Dataset, el: DicomElement, path: string): void {
    const vr = modelVR(el);
    let tagText = tagHex(el.tag);
    let extra = '';
    if (isPrivateTag(el.tag) && !isPrivateCreator(el.tag)) {
      const creator = ds.privateCreatorOf(el.tag);
      if (creator !== undefined) {
        tagText = tagHex(el.tag & 0xffff00ff);
        extra = ` privateCreator="${text(creator, path)}"`;
      }
    } else if (!isPrivateTag(el.tag)) {
      const kw = lookupTag(el.tag)?.keyword;
      if (kw) extra = ` keyword="${kw}"`;
    }
    const out = this.parts;
    out.push(`<DicomAttribute tag="${tagText}" vr="${vr}"${extra}>`);
    const pending = unfetchedUri(el);
    let uri = pending;
    if (
      uri === undefined &&
      this.options.bulkDataUri &&
      BULK_DATA_URI_VRS.has(vr) &&
      (el.encapsulated || valueLength(el) >= (this.options.bulkDataThreshold ?? 1024))
    ) {
      uri = this.options.bulkDataUri(el, path);
    }
    if (uri !== undefined) {
      out.push(`<BulkData uri="${text(uri, path)}"/>`);
    } else {
      const value = readAttribute(ds, el, true);
      switch (value.kind) {
        case 'empty':
          break;
        case 'bulk':
          out.push(`<BulkData uri="${text(value.uri, path)}"/>`);
          break;
        case 'bytes':
          out.push(`<InlineBinary>${encodeBase64(value.bytes)}</InlineBinary>`);
          break;
        case 'items':
          value.items.forEach((item, i) => {
            out.push(`${this.nl}<Item number="${i + 1}">${this.nl}`);
            this.dataset(item, `${path}[${i}]`);
            out.push(`</Item>`);
          });
          out.push(this.nl);
          break;
        case 'strings':
          if (vr === 'PN') {
            // Names made only of delimiters ("^^^^") have no component to write: such a value is empty.
            const names = value.values.map((v) => (v === null ? '' : personName(v, path)));
            if (names.some((n) => n !== ''))
              names.forEach((n, i) => out.push(`<PersonName number="${i + 1}">${n}</PersonName>`));
          } else
            value.values.forEach((v, i) =>
              out.push(`<Value number="${i + 1}">${v === null ? '' : text(v, path)}</Value>`),
            );
          break;
        case 'numbers':
          value.values.forEach((v, i) => {
            const s = v === null ? '' : Object.is(v, -0) ? '-0' : String(v);
            out.push(`<Value number="${i + 1}">${text(s, path)}</Value>`);
          });
          break;
      }
    }
    out.push(`</DicomAttribute>${this.nl}`);
  }
}

/** The Native DICOM Model XML document of a dataset (PS3.19 §A.1), UTF-8. */
export function toXml(dataset: Dataset, options: ToXmlOptions = {}): string {
  const w = new XmlWriter(options);
  const nl = options.pretty === false ? '' : '\n';
  w.parts.push(
    `<?xml version="1.0" encoding="UTF-8"?>${nl}<NativeDicomModel xmlns="${NATIVE_DICOM_MODEL_NAMESPACE}" xml:space="preserve">${nl}`,
  );
  w.dataset(dataset, '');
  w.parts.push(`</NativeDicomModel>${nl}`);
  return w.parts.join('');
}
