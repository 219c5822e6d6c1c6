/**
 * The dataset reader: turns encoded bytes into a {@link Dataset} (PS3.5 §7), lazily: every value stays a view
 * over the source bytes, and values at least `bulkDataThreshold` long that are not in memory stay in the source.
 *
 * One loop handles every uncompressed encoding (implicit/explicit VR, little/big endian), sequences and items
 * of defined and undefined length (§7.5), UN of undefined length read as Implicit VR LE (§6.2.2), UN on a known
 * tag re-read with the dictionary VR, and encapsulated Pixel Data (§A.4). Bounds are checked before anything is
 * allocated; nesting is capped; tolerated problems are collected as warnings.
 */
import { VR_INFO, vrFromCode, type VR } from '../encoding/vr.js';
import { lookupTag } from '../dictionary/dictionary.js';
import { lookupPrivate } from '../dictionary/private.js';
import { DicomError, type DicomErrorCode, type DicomWarning } from '../errors.js';
import { Dataset } from '../data/dataset.js';
import { DicomElement } from '../data/element.js';
import { EncapsulatedPixelData, type Fragment } from '../data/fragments.js';
import type { ByteSource } from '../data/bulk.js';
import {
  formatTag,
  isPrivateCreator,
  isPrivateTag,
  ItemDelimitationTag,
  ItemTag,
  PixelDataTag,
  FloatPixelDataTag,
  DoubleFloatPixelDataTag,
  SequenceDelimitationTag,
  UNDEFINED_LENGTH,
  type Tag,
} from '../data/tag.js';

export interface DatasetReadOptions {
  /** Stop before (7FE0,0010), (7FE0,0008) or (7FE0,0009) at the top level. */
  stopBeforePixelData?: boolean;
  /** Stop before the first top-level tag ≥ this one. */
  stopAtTag?: Tag;
  /** Values at least this long that are not already in memory are left in the source (default 64 KiB). */
  bulkDataThreshold?: number;
  /** Maximum sequence nesting depth (default 64, as dcmtk). */
  maxDepth?: number;
  /** Throw on the first tolerated problem instead of recording a warning. */
  strict?: boolean;
}

/** A window over the source: `bytes` holds source offsets [base, base + bytes.length). */
export interface Window {
  bytes: Uint8Array;
  base: number;
}

/** Gives a window that holds at least `min` bytes from `offset` (fewer only at the end of the source). */
export type Refill = (offset: number, min: number) => Window;

export interface ReaderState {
  explicitVR: boolean;
  littleEndian: boolean;
}

/** The error a warning becomes in strict mode. */
const STRICT_CODE: Partial<Record<DicomWarning['code'], DicomErrorCode>> = {
  ODD_LENGTH: 'INVALID_LENGTH',
  VR_MISMATCH: 'INVALID_VR',
  IMPLICIT_IN_EXPLICIT: 'INVALID_VR',
  GROUP_LENGTH: 'INVALID_LENGTH',
  TRAILING_BYTES: 'TRUNCATED',
  PADDING: 'INVALID_VALUE',
};

const PIXEL_TAGS = new Set<number>([PixelDataTag, FloatPixelDataTag, DoubleFloatPixelDataTag]);

export class DatasetReader {
  private buf: Uint8Array;
  private base: number;
  private pos = 0;
  private explicit: boolean;
  private le: boolean;
  private readonly threshold: number;
  private readonly maxDepth: number;
  private readonly strict: boolean;
  /** Tag path for messages: tags and item indexes of the enclosing sequences. */
  private readonly path: (Tag | number)[] = [];
  readonly warnings: DicomWarning[] = [];
  // Where the top-level element being read started, and the state there: a streaming reader whose input ran out
  // resumes from here once more has arrived (see resume()).
  private cpOffset = 0;
  private cpWarnings = 0;
  private cpGroup = -1;
  private cpGroupEnd = 0;
  private cpExplicit = true;
  private cpLe = true;
  private resumeGroup = false;
  /** Set when reading stopped on request (stopBeforePixelData / stopAtTag). */
  stopped = false;

  constructor(
    window: Window,
    /** Total size of the source: nothing is read past it. */
    private size: number,
    state: ReaderState,
    private readonly options: DatasetReadOptions = {},
    private readonly refill?: Refill,
    private readonly source?: ByteSource,
  ) {
    this.buf = window.bytes;
    this.base = window.base;
    this.explicit = state.explicitVR;
    this.le = state.littleEndian;
    this.threshold = options.bulkDataThreshold ?? 65536;
    this.maxDepth = options.maxDepth ?? 64;
    this.strict = options.strict ?? false;
  }

  /** Absolute offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Switches encoding (after the File Meta group). */
  setState(state: ReaderState): void {
    this.explicit = state.explicitVR;
    this.le = state.littleEndian;
  }

  private tagPath(tag?: Tag): string {
    const parts: string[] = [];
    for (let i = 0; i < this.path.length; i += 2)
      parts.push(`${formatTag(this.path[i]!)}[${this.path[i + 1]}]`);
    if (tag !== undefined) parts.push(formatTag(tag));
    return parts.join('.');
  }

  private fail(code: DicomErrorCode, message: string, tag?: Tag, offset = this.offset): never {
    throw new DicomError(code, message, { offset, tagPath: this.tagPath(tag) });
  }

  private warn(code: DicomWarning['code'], message: string, tag?: Tag, offset = this.offset): void {
    // A UN re-read with its dictionary VR is what the standard asks for (§6.2.2): noted, never fatal.
    if (this.strict && code !== 'UN_REREAD')
      this.fail(STRICT_CODE[code] ?? (code as DicomErrorCode), message, tag, offset);
    if (this.warnings.length < 1000)
      this.warnings.push({ code, message, offset, tagPath: this.tagPath(tag) });
  }

  /** Makes bytes [pos, pos + n) available in `buf`; false at the end of the source. */
  private ensure(n: number): boolean {
    if (this.pos + n <= this.buf.length) return true;
    const abs = this.base + this.pos;
    if (abs + n > this.size || !this.refill) return false;
    const w = this.refill(abs, n);
    this.buf = w.bytes;
    this.base = w.base;
    this.pos = abs - w.base;
    return this.pos + n <= this.buf.length;
  }

  private u16(p: number): number {
    const b = this.buf;
    return this.le ? b[p]! | (b[p + 1]! << 8) : (b[p]! << 8) | b[p + 1]!;
  }

  private u32(p: number): number {
    const b = this.buf;
    return this.le
      ? (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0
      : ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** Peeks the tag at the current position without consuming it, or -1 at the end. */
  peekTag(): number {
    if (!this.ensure(4)) return -1;
    return ((this.u16(this.pos) << 16) | this.u16(this.pos + 2)) >>> 0;
  }

  /** The two bytes after the tag, whatever they are. */
  peekVRCode(): [number, number] | undefined {
    if (!this.ensure(6)) return undefined;
    return [this.buf[this.pos + 4]!, this.buf[this.pos + 5]!];
  }

  /** The two bytes after the tag, as a VR if they name one. */
  peekVR(): VR | undefined {
    if (!this.ensure(6)) return undefined;
    return vrFromCode(this.buf[this.pos + 4]!, this.buf[this.pos + 5]!);
  }

  /**
   * Reads elements into `ds` until `end` (absolute offset), an Item Delimitation Item (when `end` is -1 inside an
   * item), the end of the source, or a stop condition. `stopTop` is asked about each tag at depth 0.
   */
  readElements(ds: Dataset, end: number, depth: number, stopTop?: (tag: Tag) => boolean): void {
    const inItem = depth > 0 && end < 0;
    // A Group Length (gggg,0000) read here, and where its group should end (PS3.5 §7.2); checked when the group ends.
    let lengthGroup = -1;
    let groupEnd = 0;
    if (depth === 0 && this.resumeGroup) {
      lengthGroup = this.cpGroup;
      groupEnd = this.cpGroupEnd;
      this.resumeGroup = false;
    }
    for (;;) {
      const abs = this.base + this.pos;
      if (depth === 0) {
        this.cpOffset = abs;
        this.cpWarnings = this.warnings.length;
        this.cpGroup = lengthGroup;
        this.cpGroupEnd = groupEnd;
        this.cpExplicit = this.explicit;
        this.cpLe = this.le;
      }
      if (end >= 0 && abs >= end) {
        if (abs > end)
          this.fail('VALUE_TOO_LONG', `an element runs ${abs - end} bytes past the end of its item`);
        if (lengthGroup >= 0) this.checkGroupLength(lengthGroup, groupEnd, abs);
        return;
      }
      if (abs >= this.size) {
        if (inItem)
          this.warn(
            'INVALID_ITEM',
            'the input ended inside an item of undefined length (no Item Delimitation Item)',
          );
        if (lengthGroup >= 0) this.checkGroupLength(lengthGroup, groupEnd, abs);
        return;
      }
      if (!this.ensure(8)) {
        this.warn('TRAILING_BYTES', `${this.size - abs} bytes at the end are too few for an element header`);
        this.pos += this.size - abs;
        return;
      }
      const p = this.pos;
      const tag = ((this.u16(p) << 16) | this.u16(p + 2)) >>> 0;
      if (tag === ItemDelimitationTag) {
        this.pos += 8;
        if (!inItem)
          this.warn(
            'INVALID_ITEM',
            'an Item Delimitation Item outside an item of undefined length',
            tag,
            abs,
          );
        if (inItem) return;
        continue;
      }
      if (tag === SequenceDelimitationTag || tag === ItemTag) {
        if (inItem && tag === SequenceDelimitationTag) {
          // A missing Item Delimitation Item: the item ends where its sequence does. Leave it for the sequence.
          this.warn(
            'INVALID_ITEM',
            'a Sequence Delimitation Item where an Item Delimitation Item was expected',
            tag,
            abs,
          );
          return;
        }
        this.fail(
          'INVALID_ITEM',
          `unexpected ${tag === ItemTag ? 'Item' : 'Sequence Delimitation Item'} in a dataset`,
          tag,
        );
      }
      if (lengthGroup >= 0 && tag >>> 16 !== lengthGroup) {
        this.checkGroupLength(lengthGroup, groupEnd, abs);
        lengthGroup = -1;
      }
      if (depth === 0 && stopTop && stopTop(tag)) {
        this.stopped = true;
        return;
      }
      this.readElement(ds, tag, depth);
      // The File Meta group length is checked by the Part 10 reader.
      if ((tag & 0xffff) === 0 && tag !== 0x00020000) {
        const raw = ds.get(tag)?.raw;
        if (raw && raw.length === 4) {
          lengthGroup = tag >>> 16;
          const v = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, this.le);
          groupEnd = this.base + this.pos + v;
        }
      }
    }
  }

  private checkGroupLength(group: number, expectedEnd: number, actualEnd: number): void {
    if (expectedEnd !== actualEnd) {
      const g = group.toString(16).toUpperCase().padStart(4, '0');
      this.warn(
        'GROUP_LENGTH',
        `group ${g} ends ${actualEnd - expectedEnd} bytes away from where its Group Length says`,
        undefined,
        actualEnd,
      );
    }
  }

  private implicitVR(tag: Tag, ds: Dataset): VR {
    if ((tag & 0xffff) === 0) return 'UL';
    if (isPrivateTag(tag)) {
      if (isPrivateCreator(tag)) return 'LO';
      // A known private dictionary (dictionary/private.ts) gives the VR; other private elements stay UN.
      return lookupPrivate(ds.privateCreatorOf(tag), tag)?.vr ?? 'UN';
    }
    const e = lookupTag(tag);
    if (!e || e.vrs.length === 0) return 'UN';
    if (e.vrs.length === 1) return e.vrs[0]!;
    if (e.vrs.includes('SS') && e.vrs.includes('US')) {
      let d: Dataset | undefined = ds;
      while (d) {
        const pr = d.get(0x00280103);
        if (pr) return d.number(0x00280103) === 1 ? 'SS' : 'US';
        d = d.parent;
      }
      return 'US';
    }
    if (e.vrs.includes('OW')) return 'OW';
    return e.vrs[0]!;
  }

  private readElement(ds: Dataset, tag: Tag, depth: number): void {
    const start = this.base + this.pos;
    const p = this.pos;
    let vr: VR;
    let length: number;
    let header: number;
    if (this.explicit) {
      const b0 = this.buf[p + 4]!;
      const b1 = this.buf[p + 5]!;
      const known = vrFromCode(b0, b1);
      if (known) {
        vr = known;
        if (VR_INFO[vr].longLength) {
          if (!this.ensure(12)) this.fail('TRUNCATED', 'the input ends inside an element header', tag);
          length = this.u32(this.pos + 8);
          header = 12;
        } else {
          length = this.u16(p + 6);
          header = 8;
        }
      } else if (b0 >= 0x41 && b0 <= 0x5a && b1 >= 0x41 && b1 <= 0x5a) {
        // An unknown VR: PS3.5 §6.2 says future VRs use the 12-byte header; read the value as UN.
        this.warn('VR_MISMATCH', `unknown VR "${String.fromCharCode(b0, b1)}", read as UN`, tag, start);
        if (!this.ensure(12)) this.fail('TRUNCATED', 'the input ends inside an element header', tag);
        vr = 'UN';
        length = this.u32(this.pos + 8);
        header = 12;
      } else {
        vr = this.implicitVR(tag, ds);
        header = 8;
        const implicitLength = this.u32(p + 4);
        if (implicitLength === UNDEFINED_LENGTH || implicitLength <= this.size - (start + 8)) {
          // Not a VR at all: an implicit VR element inside explicit VR data (seen in real files).
          this.warn(
            'IMPLICIT_IN_EXPLICIT',
            'an element without a VR in explicit VR data, read as implicit VR',
            tag,
            start,
          );
          length = implicitLength;
        } else {
          // Bytes that are no VR (e.g. two spaces) followed by a 2-byte length, as dcmtk reads them.
          this.warn(
            'VR_MISMATCH',
            `non-standard VR bytes ${b0.toString(16).padStart(2, '0')} ${b1.toString(16).padStart(2, '0')}: read with a 2-byte length as ${vr}`,
            tag,
            start,
          );
          length = this.u16(p + 6);
        }
      }
    } else {
      vr = this.implicitVR(tag, ds);
      length = this.u32(p + 4);
      header = 8;
    }
    this.pos += header;

    const el = new DicomElement(tag, vr, undefined, this.le);
    el.offset = start;

    if (length === UNDEFINED_LENGTH) {
      if (vr === 'SQ' || vr === 'UN' || (!this.explicit && !PIXEL_TAGS.has(tag))) {
        // §6.2.2: UN of undefined length is a sequence encoded in Implicit VR Little Endian.
        const switchToImplicit = vr === 'UN';
        if (switchToImplicit && this.explicit)
          this.warn(
            'UN_REREAD',
            'UN of undefined length read as a sequence in Implicit VR Little Endian (PS3.5 §6.2.2)',
            tag,
            start,
          );
        el.vr = 'SQ';
        if (switchToImplicit && PIXEL_TAGS.has(tag)) {
          el.vr = 'OB';
          el.encapsulated = this.readFragments(tag);
        } else {
          const saved = { explicitVR: this.explicit, littleEndian: this.le };
          if (switchToImplicit) this.setState({ explicitVR: false, littleEndian: true });
          el.items = this.readItems(ds, tag, -1, depth + 1);
          this.setState(saved);
        }
        el.undefinedLength = true;
      } else if (PIXEL_TAGS.has(tag)) {
        el.encapsulated = this.readFragments(tag);
        el.undefinedLength = true;
      } else {
        this.fail('INVALID_LENGTH', `undefined length on a ${vr} element`, tag, start);
      }
      ds.add(el);
      return;
    }

    const remaining = this.size - (this.base + this.pos);
    if (length > remaining) {
      if (depth === 0 && !this.strict) {
        this.warn(
          'TRUNCATED',
          `${formatTag(tag)} ${vr} declares ${length} bytes but only ${remaining} remain; the element is dropped`,
          tag,
          start,
        );
        this.pos += remaining;
        return;
      }
      this.fail('VALUE_TOO_LONG', `${vr} value of ${length} bytes but only ${remaining} remain`, tag, start);
    }
    if (length & 1 && vr !== 'SQ' && vr !== 'UN')
      this.warn('ODD_LENGTH', `odd value length ${length}`, tag, start);

    if (vr === 'UN' && this.explicit) {
      // A Private Creator is LO whatever its header says (PS3.5 §7.8.1).
      const dictVR = isPrivateCreator(tag) ? 'LO' : isPrivateTag(tag) ? undefined : lookupTag(tag)?.vrs[0];
      if (dictVR && dictVR !== 'UN') {
        // The value of UN is encoded as Implicit VR Little Endian (§6.2.2): re-read it with the dictionary VR.
        this.warn(
          'UN_REREAD',
          `UN re-read as ${dictVR}, the VR the dictionary gives ${formatTag(tag)}`,
          tag,
          start,
        );
        if (dictVR === 'SQ') {
          const saved = { explicitVR: this.explicit, littleEndian: this.le };
          this.setState({ explicitVR: false, littleEndian: true });
          el.vr = 'SQ';
          el.items = this.readItems(ds, tag, this.base + this.pos + length, depth + 1);
          this.setState(saved);
          ds.add(el);
          return;
        }
        el.vr = dictVR;
        el.littleEndian = true;
      }
    }

    if (vr === 'SQ' && !this.explicit && length > 0 && !this.startsWithItem()) {
      // Implicit VR gave SQ from the dictionary, but the value holds no item: the writer used another VR.
      this.warn(
        'VR_MISMATCH',
        `${formatTag(tag)} is SQ in the dictionary but its value is not a sequence: read as UN`,
        tag,
        start,
      );
      vr = 'UN';
      el.vr = 'UN';
    }
    if (vr === 'SQ') {
      el.items = this.readItems(ds, tag, this.base + this.pos + length, depth + 1);
      ds.add(el);
      return;
    }

    if (this.pos + length <= this.buf.length) {
      el.raw = this.buf.subarray(this.pos, this.pos + length);
      this.pos += length;
    } else if (length >= this.threshold && this.source) {
      el.bulk = { source: this.source, offset: this.base + this.pos, length };
      this.pos += length;
    } else {
      if (!this.ensure(length))
        this.fail('TRUNCATED', `the input ends inside a ${length}-byte value`, tag, start);
      el.raw = this.buf.subarray(this.pos, this.pos + length);
      this.pos += length;
    }
    ds.add(el);
  }

  /** Items of a sequence up to `end` (absolute), or to a Sequence Delimitation Item when `end` is -1 (§7.5). */
  private readItems(parent: Dataset, seqTag: Tag, end: number, depth: number): Dataset[] {
    if (depth > this.maxDepth)
      this.fail('NESTING_TOO_DEEP', `sequences nested deeper than ${this.maxDepth}`, seqTag);
    const items: Dataset[] = [];
    for (;;) {
      const abs = this.base + this.pos;
      if (end >= 0 && abs >= end) {
        if (abs > end)
          this.fail(
            'VALUE_TOO_LONG',
            `the items run ${abs - end} bytes past the end of the sequence`,
            seqTag,
          );
        return items;
      }
      if (!this.ensure(8)) {
        if (end < 0 && !this.strict) {
          // The input ends inside sequences of undefined length: every level closes here, each with a warning.
          this.warn('INVALID_ITEM', 'the input ended inside a sequence of undefined length', seqTag);
          this.pos = this.size - this.base;
          return items;
        }
        this.fail('TRUNCATED', 'the input ends inside a sequence', seqTag);
      }
      const tag = ((this.u16(this.pos) << 16) | this.u16(this.pos + 2)) >>> 0;
      const itemLength = this.u32(this.pos + 4);
      if (tag === SequenceDelimitationTag) {
        this.pos += 8;
        if (end >= 0)
          this.warn('INVALID_ITEM', 'a Sequence Delimitation Item in a sequence of defined length', seqTag);
        return items;
      }
      if (tag !== ItemTag) {
        if (end < 0 && depth === 1 && !this.strict) {
          // A sequence of undefined length that ends without its delimiter: resume with the dataset.
          this.warn(
            'INVALID_ITEM',
            `expected an Item, found ${formatTag(tag)}: the sequence is closed here`,
            seqTag,
          );
          return items;
        }
        this.fail(
          'INVALID_ITEM',
          `expected an Item (FFFE,E000) in the sequence, found ${formatTag(tag)}`,
          seqTag,
        );
      }
      this.pos += 8;
      const item = new Dataset();
      item.parent = parent;
      this.path.push(seqTag, items.length);
      if (itemLength === UNDEFINED_LENGTH) {
        item.undefinedLength = true;
        this.readElements(item, -1, depth);
      } else {
        let itemEnd = this.base + this.pos + itemLength;
        const limit = end >= 0 ? Math.min(end, this.size) : this.size;
        if (itemEnd > limit) {
          // dcmtk and pydicom read such items up to the end of their sequence (or of the input).
          this.warn(
            'VALUE_TOO_LONG',
            `an item of ${itemLength} bytes runs ${itemEnd - limit} bytes past the end of its sequence or the input; read up to there`,
          );
          itemEnd = limit;
        }
        this.readElements(item, itemEnd, depth);
      }
      this.path.length -= 2;
      items.push(item);
    }
  }

  /** Encapsulated Pixel Data: the Basic Offset Table item, then fragments, up to the Sequence Delimitation Item (§A.4). */
  private readFragments(tag: Tag): EncapsulatedPixelData {
    const saved = this.le;
    this.le = true;
    let bot = new Uint32Array(0);
    const fragments: Fragment[] = [];
    let first = true;
    for (;;) {
      if (!this.ensure(8)) {
        this.le = saved;
        if (!this.strict) {
          this.warn(
            'TRUNCATED',
            'the input ended inside encapsulated Pixel Data (no Sequence Delimitation Item)',
            tag,
          );
          this.pos = this.size - this.base;
          break;
        }
        this.fail('TRUNCATED', 'the input ends inside encapsulated Pixel Data', tag);
      }
      const at = this.base + this.pos;
      const itag = ((this.u16(this.pos) << 16) | this.u16(this.pos + 2)) >>> 0;
      const len = this.u32(this.pos + 4);
      this.pos += 8;
      if (itag === SequenceDelimitationTag) break;
      if (itag !== ItemTag)
        this.fail(
          'INVALID_ITEM',
          `expected a fragment Item in encapsulated Pixel Data, found ${formatTag(itag)}`,
          tag,
          at,
        );
      if (len === UNDEFINED_LENGTH) this.fail('INVALID_LENGTH', 'a fragment of undefined length', tag, at);
      const remaining = this.size - (this.base + this.pos);
      if (len > remaining) {
        if (!this.strict) {
          this.warn(
            'TRUNCATED',
            `a fragment declares ${len} bytes but only ${remaining} remain; it is dropped`,
            tag,
            at,
          );
          this.pos += remaining;
          break;
        }
        this.fail('VALUE_TOO_LONG', `a fragment of ${len} bytes but only ${remaining} remain`, tag, at);
      }
      if (first) {
        first = false;
        if (len % 4 !== 0)
          this.fail('INVALID_LENGTH', `Basic Offset Table length ${len} is not a multiple of 4`, tag, at);
        if (!this.ensure(len))
          this.fail('TRUNCATED', 'the input ends inside the Basic Offset Table', tag, at);
        bot = new Uint32Array(len / 4);
        for (let i = 0; i < bot.length; i++) bot[i] = this.u32(this.pos + i * 4);
        this.pos += len;
        continue;
      }
      if (this.pos + len <= this.buf.length) {
        fragments.push({ bytes: this.buf.subarray(this.pos, this.pos + len), offset: at, length: len });
      } else if (this.source) {
        fragments.push({
          ref: { source: this.source, offset: this.base + this.pos, length: len },
          offset: at,
          length: len,
        });
      } else if (this.ensure(len)) {
        fragments.push({ bytes: this.buf.subarray(this.pos, this.pos + len), offset: at, length: len });
      } else {
        this.fail('TRUNCATED', 'the input ends inside a fragment', tag, at);
      }
      this.pos += len;
    }
    this.le = saved;
    return new EncapsulatedPixelData(bot, fragments);
  }

  /** Whether the next 4 bytes are an Item tag (FFFE,E000) or a Sequence Delimitation Item tag. */
  private startsWithItem(): boolean {
    if (!this.ensure(4)) return false;
    const t = ((this.u16(this.pos) << 16) | this.u16(this.pos + 2)) >>> 0;
    return t === ItemTag || t === SequenceDelimitationTag;
  }

  /** The size of the source, once known (a stream that has ended). */
  setSize(size: number): void {
    this.size = size;
  }

  /**
   * Goes back to the start of the top-level element that was being read when the input ran out (a refill threw),
   * with the state and warnings as they were there; the next readElements(dataset, -1, 0) carries on from it.
   */
  resume(): void {
    this.warnings.length = this.cpWarnings;
    this.path.length = 0;
    this.explicit = this.cpExplicit;
    this.le = this.cpLe;
    this.resumeGroup = true;
    this.stopped = false;
    this.buf = new Uint8Array(0);
    this.base = this.cpOffset;
    this.pos = 0;
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.pos += n;
  }

  /** A view of the next `n` bytes, consumed. */
  take(n: number): Uint8Array | undefined {
    if (!this.ensure(n)) return undefined;
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}
