/**
 * Native DICOM Model XML (PS3.19 §A.1) → Dataset: the mirror image of toXml. Every problem is a DicomError
 * 'INVALID_XML' with the character offset of the XML element and the tag path.
 */
import { Dataset, dictionaryVR } from '../data/dataset.js';
import { DicomElement } from '../data/element.js';
import { formatTag, isPrivateTag, tag as makeTag } from '../data/tag.js';
import { DicomError } from '../errors.js';
import { isVR, VR_INFO, type VR } from '../encoding/vr.js';
import { buildElement, type AttributeValue, type Fail } from '../json/attribute-model.js';
import { Base64Error, decodeBase64 } from '../json/base64.js';
import { parseXml, type XmlElement, type XmlNode, type XmlReadOptions } from './xml-reader.js';
import { PN_COMPONENTS, PN_GROUPS } from './to-xml.js';

export interface FromXmlOptions extends XmlReadOptions {
  /** Deepest sequence nesting accepted (default 64, as the Part 10 reader). */
  maxSequenceDepth?: number;
  /** Fetches the value a BulkData uri names (binary VRs); otherwise the element keeps the URI. */
  resolveBulkData?: (uri: string, info: { tag: number; vr: VR; tagPath: string }) => Uint8Array | undefined;
}

function elements(el: XmlElement, fail: (m: string, at: number) => never): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (typeof c === 'string') {
      if (/[^ \t\r\n]/.test(c)) fail(`text is not allowed directly in <${el.name}>`, el.offset);
    } else out.push(c);
  }
  return out;
}

function textOf(el: XmlElement, fail: (m: string, at: number) => never): string {
  let s = '';
  for (const c of el.children as XmlNode[]) {
    if (typeof c !== 'string') fail(`<${c.name}> is not allowed in <${el.name}>`, c.offset);
    else s += c;
  }
  return s;
}

/** Places values by their number= attribute (1-based); numbers that are missing are empty values. */
function numbered<T>(
  els: XmlElement[],
  read: (e: XmlElement) => T,
  fail: (m: string, at: number) => never,
): (T | null)[] {
  const out: (T | null)[] = [];
  for (const e of els) {
    const n = Number(e.attributes.number);
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      fail(`<${e.name}> needs number="1", "2", …`, e.offset);
    if (out[n - 1] !== undefined) fail(`<${e.name} number="${n}"> appears twice`, e.offset);
    while (out.length < n - 1) out.push(null);
    out[n - 1] = read(e);
  }
  return out.map((v) => (v === undefined ? null : v));
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

class NativeModelReader {
  private readonly maxDepth: number;
  constructor(private readonly options: FromXmlOptions) {
    this.maxDepth = options.maxSequenceDepth ?? 64;
  }

  private error(message: string, at: number, tagPath?: string): never {
    throw new DicomError('INVALID_XML', message, { offset: at, ...(tagPath ? { tagPath } : {}) });
  }

  dataset(container: XmlElement, path: string, depth: number, parent?: Dataset): Dataset {
    const ds = new Dataset();
    if (parent) ds.parent = parent;
    const attrs = elements(container, (m, at) => this.error(m, at, path));
    // First the Private Creators (and everything else) whose tags are given in full, then the private
    // elements that name their creator, placed in that creator's block.
    const byCreator: XmlElement[] = [];
    const parsed: { el: XmlElement; tag: number }[] = [];
    for (const a of attrs) {
      if (a.name !== 'DicomAttribute')
        this.error(`<${a.name}> where <DicomAttribute> was expected`, a.offset, path);
      const t = a.attributes.tag;
      if (!t || !/^[0-9A-Fa-f]{8}$/.test(t))
        this.error(`DicomAttribute needs tag="GGGGEEEE", not ${JSON.stringify(t)}`, a.offset, path);
      const tag = parseInt(t, 16) >>> 0;
      // Only private data elements carry privateCreator, so gggg00ee here is never a Private Creator itself.
      if (a.attributes.privateCreator !== undefined && isPrivateTag(tag) && (tag & 0xff00) === 0)
        byCreator.push(a);
      else parsed.push({ el: a, tag });
    }
    parsed.sort((x, y) => x.tag - y.tag);
    for (const { el, tag } of parsed) ds.add(this.attribute(ds, el, tag, path, depth));
    for (const a of byCreator) {
      const short = parseInt(a.attributes.tag!, 16) >>> 0;
      const tag = this.placePrivate(ds, short >>> 16, short & 0xff, a.attributes.privateCreator!, a, path);
      ds.add(this.attribute(ds, a, tag, path, depth));
    }
    return ds;
  }

  /** The full tag of a private element (gggg,xxee) given its creator: the creator's block, reserved if needed (PS3.5 §7.8.1). */
  private placePrivate(
    ds: Dataset,
    group: number,
    element: number,
    creator: string,
    at: XmlElement,
    path: string,
  ): number {
    let free = -1;
    for (let block = 0x10; block <= 0xff; block++) {
      const c = ds.get(makeTag(group, block));
      if (!c) {
        if (free < 0) free = block;
        continue;
      }
      if (ds.string(c.tag) === creator) return makeTag(group, (block << 8) | element);
    }
    if (free < 0)
      this.error(
        `no free private block in group ${group.toString(16)} for creator "${creator}"`,
        at.offset,
        path,
      );
    const el = new DicomElement(makeTag(group, free), 'LO', undefined, true);
    el.decoded = [creator];
    el.isDecoded = true;
    ds.add(el);
    return makeTag(group, (free << 8) | element);
  }

  private attribute(
    ds: Dataset,
    a: XmlElement,
    tag: number,
    parentPath: string,
    depth: number,
  ): DicomElement {
    const path = parentPath ? `${parentPath}.${formatTag(tag)}` : formatTag(tag);
    const fail: Fail = (m) => this.error(m, a.offset, path);
    const failAt = (m: string, at: number): never => this.error(m, at, path);
    const vrText = a.attributes.vr;
    let vr: VR;
    if (vrText === undefined) vr = dictionaryVR(tag);
    else if (isVR(vrText)) vr = vrText;
    else return fail(`vr="${vrText}" is not a VR`);
    const kids = elements(a, failAt);
    const kinds = new Set(kids.map((k) => k.name));
    for (const k of kinds)
      if (!['Value', 'PersonName', 'InlineBinary', 'BulkData', 'Item'].includes(k))
        fail(`<${k}> is not allowed in DicomAttribute`);
    if (kinds.size > 1) fail(`DicomAttribute holds one kind of content, not ${[...kinds].join(' and ')}`);
    let value: AttributeValue = { kind: 'empty' };
    const kind = kids[0]?.name;
    const info = VR_INFO[vr];
    if (kind === 'InlineBinary' || kind === 'BulkData') {
      if (kids.length > 1) fail(`only one <${kind}>`);
      const k = kids[0]!;
      if (kind === 'InlineBinary') {
        try {
          value = { kind: 'bytes', bytes: decodeBase64(textOf(k, failAt)) };
        } catch (e) {
          if (e instanceof Base64Error) failAt(`invalid InlineBinary: ${e.message}`, k.offset);
          throw e;
        }
      } else {
        const uri = k.attributes.uri ?? k.attributes.uuid;
        if (uri === undefined) failAt('BulkData needs uri= (or uuid=)', k.offset);
        const bytes =
          info.kind === 'bytes' ? this.options.resolveBulkData?.(uri, { tag, vr, tagPath: path }) : undefined;
        value = bytes ? { kind: 'bytes', bytes } : { kind: 'bulk', uri };
      }
    } else if (kind === 'Item') {
      if (vr !== 'SQ') fail(`<Item> in a ${vr} attribute`);
      if (depth + 1 > this.maxDepth) fail(`sequences nested deeper than ${this.maxDepth}`);
      const items = numbered(kids, (k) => k, failAt);
      value = {
        kind: 'items',
        items: items.map((k, i) => (k ? this.dataset(k, `${path}[${i}]`, depth + 1, ds) : new Dataset())),
      };
    } else if (kind === 'PersonName') {
      if (vr !== 'PN') fail(`<PersonName> in a ${vr} attribute`);
      value = { kind: 'strings', values: numbered(kids, (k) => this.personName(k, failAt), failAt) };
    } else if (kind === 'Value') {
      const texts = numbered(kids, (k) => textOf(k, failAt), failAt).map((t) => (t === '' ? null : t));
      if (info.kind === 'number-string') value = { kind: 'numbers', values: texts };
      else if (info.kind === 'binary-number') {
        value = {
          kind: 'numbers',
          values: texts.map((t) => {
            if (t === null) return null;
            const s = t.trim();
            if (vr === 'SV' || vr === 'UV') return s;
            if (NUMBER_TEXT.test(s)) return Number(s);
            if ((vr === 'FL' || vr === 'FD') && /^(NaN|-?Infinity)$/.test(s)) return s;
            return fail(`"${t}" is not a ${vr} number`);
          }),
        };
      } else if (info.kind === 'bytes' || info.kind === 'sequence') fail(`${vr} has no <Value>`);
      else value = { kind: 'strings', values: texts };
    }
    return buildElement(ds, tag, vr, value, fail);
  }

  private personName(pn: XmlElement, failAt: (m: string, at: number) => never): string {
    const groups = ['', '', ''];
    for (const g of elements(pn, failAt)) {
      const gi = (PN_GROUPS as readonly string[]).indexOf(g.name);
      if (gi < 0)
        failAt(`<${g.name}> is not a PN component group (Alphabetic, Ideographic, Phonetic)`, g.offset);
      const comps = ['', '', '', '', ''];
      for (const c of elements(g, failAt)) {
        const ci = (PN_COMPONENTS as readonly string[]).indexOf(c.name);
        if (ci < 0) failAt(`<${c.name}> is not a PN component`, c.offset);
        const t = textOf(c, failAt);
        if (t.includes('=') || (ci < 4 && t.includes('^')))
          failAt(`a PN component cannot hold "=" or "^"`, c.offset);
        comps[ci] = t;
      }
      while (comps.length && comps[comps.length - 1] === '') comps.pop();
      groups[gi] = comps.join('^');
    }
    while (groups.length && groups[groups.length - 1] === '') groups.pop();
    return groups.join('=');
  }
}

/**
 * A Dataset from a Native DICOM Model XML document (PS3.19 §A.1). Accepts the document with or without the
 * namespace; private elements written with privateCreator are placed in that creator's block.
 */
export function fromXml(text: string, options: FromXmlOptions = {}): Dataset {
  const root = parseXml(text, {
    maxDepth: options.maxDepth ?? 3 * (options.maxSequenceDepth ?? 64) + 8,
    ...(options.maxLength ? { maxLength: options.maxLength } : {}),
  });
  if (root.name !== 'NativeDicomModel')
    throw new DicomError('INVALID_XML', `the root element is <${root.name}>, not <NativeDicomModel>`, {
      offset: root.offset,
    });
  return new NativeModelReader(options).dataset(root, '', 0);
}
