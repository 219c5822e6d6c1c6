/**
 * A dataset (PS3.5 §7): elements by tag, kept in tag order, with values decoded on first access.
 * Accessors take a tag number or a keyword ("PatientName").
 */
import { VR_INFO, type VR } from '../encoding/vr.js';
import { lookupKeyword, lookupTag } from '../dictionary/dictionary.js';
import { DicomError } from '../errors.js';
import { readBulk } from './bulk.js';
import { DicomElement, type ElementValue } from './element.js';
import { EncapsulatedPixelData } from './fragments.js';
import {
  isPrivateCreator,
  isPrivateTag,
  parseTagString,
  privateCreatorTagFor,
  SpecificCharacterSetTag,
  type Tag,
} from './tag.js';
import { decodeBinary, decodeStrings, parseNumberStrings, swapBytes } from './values.js';
import { normalizeCharsets } from '../charset/codec.js';

export type TagLike = Tag | string;

/** Resolves a tag number, a keyword or a tag string ("00100010", "(0010,0010)") to a tag. */
export function resolveTag(t: TagLike): Tag {
  if (typeof t === 'number') return t >>> 0;
  const e = lookupKeyword(t);
  if (e) return e.tag;
  const parsed = parseTagString(t);
  if (parsed !== undefined) return parsed;
  throw new TypeError(`unknown DICOM keyword or tag: ${t}`);
}

/** The VR the dictionary gives a tag, for setting values without naming one. */
export function dictionaryVR(t: Tag): VR {
  if (isPrivateCreator(t)) return 'LO';
  const e = lookupTag(t);
  return e?.vrs[0] ?? 'UN';
}

export class Dataset {
  private readonly elements = new Map<Tag, DicomElement>();
  private lastTag = -1;
  private sorted = true;
  private charsetCache: string[] | undefined;

  /** The dataset that contains this one as a sequence item (character sets are inherited from it). */
  parent: Dataset | undefined;
  /** The item was read with undefined length (the writer keeps that form by default). */
  undefinedLength = false;

  get size(): number {
    return this.elements.size;
  }

  /** Adds an element as read or built. Keeps tag order cheaply when elements come in order. */
  add(el: DicomElement): void {
    if (el.tag <= this.lastTag) {
      if (this.elements.has(el.tag)) this.elements.delete(el.tag);
      this.sorted = false;
    } else this.lastTag = el.tag;
    this.elements.set(el.tag, el);
    if (el.tag === SpecificCharacterSetTag) this.charsetCache = undefined;
  }

  get(t: TagLike): DicomElement | undefined {
    return this.elements.get(typeof t === 'number' ? t : resolveTag(t));
  }

  has(t: TagLike): boolean {
    return this.elements.has(typeof t === 'number' ? t : resolveTag(t));
  }

  delete(t: TagLike): boolean {
    const tag = resolveTag(t);
    if (tag === SpecificCharacterSetTag) this.charsetCache = undefined;
    return this.elements.delete(tag);
  }

  /** Elements in ascending tag order. */
  *[Symbol.iterator](): IterableIterator<DicomElement> {
    this.ensureSorted();
    yield* this.elements.values();
  }

  tags(): Tag[] {
    this.ensureSorted();
    return [...this.elements.keys()];
  }

  private ensureSorted(): void {
    if (this.sorted) return;
    const all = [...this.elements.values()].sort((a, b) => a.tag - b.tag);
    this.elements.clear();
    for (const el of all) this.elements.set(el.tag, el);
    this.lastTag = all.length ? all[all.length - 1]!.tag : -1;
    this.sorted = true;
  }

  /**
   * Specific Character Set terms in force for this dataset: its own (0008,0005), else its parent's
   * (PS3.5 §7.5.3: an item without one inherits).
   */
  get characterSets(): string[] {
    if (this.charsetCache) return this.charsetCache;
    const el = this.elements.get(SpecificCharacterSetTag);
    let cs: string[];
    if (el) {
      // Character set terms are CS (default repertoire); an empty first value means ISO-IR 6.
      // From the raw bytes when there are any (whatever VR the element came with), else the value set.
      const decoded = el.isDecoded && Array.isArray(el.decoded) ? (el.decoded as unknown[]) : [];
      cs = el.raw
        ? decodeStrings('CS', el.raw, [])
        : decoded.map((v) => (typeof v === 'string' ? v : String(v)));
      if (cs.length > 1 && cs[0] === '') cs = ['ISO 2022 IR 6', ...cs.slice(1)];
      cs = normalizeCharsets(cs);
    } else cs = this.parent ? this.parent.characterSets : [];
    this.charsetCache = cs;
    return cs;
  }

  /** Drops cached character sets in this dataset and its items (after the Specific Character Set changed). */
  invalidateCharsets(): void {
    this.charsetCache = undefined;
    for (const el of this.elements.values()) {
      if (el.items) for (const it of el.items) it.invalidateCharsets();
      if (el.isDecoded && VR_INFO[el.vr].charsetGoverned && el.raw) {
        el.isDecoded = false;
        el.decoded = undefined;
      }
    }
  }

  /**
   * The decoded value of an element:
   * strings → string[]; IS/DS → number[]; US SS UL SL FL FD → number[]; SV UV → bigint[]; AT → tag numbers;
   * OB OW OF OD OL OV UN → Uint8Array (little endian); SQ → Dataset[]; encapsulated Pixel Data → EncapsulatedPixelData.
   */
  value(t: TagLike): ElementValue {
    const el = this.get(t);
    return el ? this.decode(el) : undefined;
  }

  /** Decodes (once) and returns an element's value, using this dataset's character sets. */
  decode(el: DicomElement): ElementValue {
    if (el.isDecoded) return el.decoded;
    let v: ElementValue;
    if (el.items) v = el.items;
    else if (el.encapsulated) v = el.encapsulated;
    else {
      const info = VR_INFO[el.vr];
      const raw = el.raw ?? (el.bulk ? readBulk(el.bulk) : new Uint8Array(0));
      switch (info.kind) {
        case 'string':
        case 'text':
          v = decodeStrings(el.vr, raw, this.characterSets);
          break;
        case 'number-string':
          v = parseNumberStrings(decodeStrings(el.vr, raw, []));
          break;
        case 'binary-number':
        case 'tag':
          v = decodeBinary(el.vr, raw, el.littleEndian);
          break;
        case 'bytes':
          v = el.littleEndian || info.unitSize === 1 ? raw : swapBytes(raw, info.unitSize);
          break;
        case 'sequence':
          v = [];
          break;
      }
    }
    if (!el.bulk) {
      el.decoded = v;
      el.isDecoded = true;
    }
    return v;
  }

  /** String values (for IS/DS the original text, for numbers their decimal form). */
  strings(t: TagLike): string[] {
    const el = this.get(t);
    if (!el) return [];
    const kind = VR_INFO[el.vr].kind;
    // IS/DS as written (e.g. "01"); a value set or read from JSON has no bytes: its numbers as strings.
    if (kind === 'number-string' && (el.raw || !el.isDecoded))
      return decodeStrings(el.vr, el.raw ?? new Uint8Array(0), []);
    const v = this.decode(el);
    if (Array.isArray(v))
      return (v as unknown[]).map((x) =>
        typeof x === 'number' && kind === 'tag' ? x.toString(16).padStart(8, '0').toUpperCase() : String(x),
      );
    return [];
  }

  /** First string value (or undefined). For PN the whole name with its component groups ("Yamada^Tarou=山田^太郎"). */
  string(t: TagLike): string | undefined {
    return this.strings(t)[0];
  }

  numbers(t: TagLike): number[] {
    const v = this.value(t);
    if (Array.isArray(v)) return (v as unknown[]).map((x) => Number(x));
    return [];
  }

  number(t: TagLike): number | undefined {
    return this.numbers(t)[0];
  }

  bigints(t: TagLike): bigint[] {
    const v = this.value(t);
    if (Array.isArray(v))
      return (v as unknown[]).map((x) => (typeof x === 'bigint' ? x : BigInt(x as number)));
    return [];
  }

  /** Raw value bytes (little endian for OW/OF/…), read from the source if left there. */
  bytes(t: TagLike): Uint8Array | undefined {
    const el = this.get(t);
    if (!el) return undefined;
    const v = this.decode(el);
    return v instanceof Uint8Array ? v : el.raw;
  }

  /** Items of a sequence ([] when absent). */
  sequence(t: TagLike): Dataset[] {
    const el = this.get(t);
    return el?.items ?? [];
  }

  /** Sets a value: the VR defaults to the dictionary's. Strings, numbers, bigints, bytes or items as in {@link value}. */
  set(
    t: TagLike,
    vr: VR | undefined,
    value: ElementValue | string | number | bigint | (string | number)[],
  ): DicomElement {
    const tag = resolveTag(t);
    const useVR = vr ?? dictionaryVR(tag);
    const el = new DicomElement(tag, useVR, undefined, true);
    if (useVR === 'SQ') {
      const items = (value as Dataset[] | undefined) ?? [];
      for (const it of items) it.parent = this;
      el.items = items;
    } else if (value instanceof EncapsulatedPixelData) {
      el.encapsulated = value;
      el.undefinedLength = true;
    } else {
      let v: ElementValue;
      if (value === undefined || value === null) v = VR_INFO[useVR].kind === 'bytes' ? new Uint8Array(0) : [];
      else if (value instanceof Uint8Array) v = value;
      else if (Array.isArray(value)) v = value as ElementValue;
      else v = [value] as ElementValue;
      if (VR_INFO[useVR].kind === 'bytes' && !(v instanceof Uint8Array))
        throw new DicomError('INVALID_VALUE', `${useVR} needs a Uint8Array`);
      el.decoded = v;
      el.isDecoded = true;
    }
    this.add(el);
    if (tag === SpecificCharacterSetTag) this.invalidateCharsets();
    return el;
  }

  /** The Private Creator (gggg,00xx) value that reserves the block of a private tag, if any (PS3.5 §7.8.1). */
  privateCreatorOf(t: Tag): string | undefined {
    if (!isPrivateTag(t) || isPrivateCreator(t)) return undefined;
    return this.string(privateCreatorTagFor(t));
  }
}
