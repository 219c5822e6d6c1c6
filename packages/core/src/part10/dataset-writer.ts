/**
 * The dataset writer: encodes a {@link Dataset} in a transfer syntax (PS3.5 §7). Unchanged values are written
 * from their raw bytes (byte-swapped only when the byte order changes), so an unchanged file is written back
 * byte for byte; sequences and items keep their defined or undefined length unless told otherwise.
 */
import { VR_INFO, type VR } from '../encoding/vr.js';
import { DicomError } from '../errors.js';
import type { Dataset } from '../data/dataset.js';
import type { DicomElement } from '../data/element.js';
import { readBulk } from '../data/bulk.js';
import { lookupTag } from '../dictionary/dictionary.js';
import { encodeValue, swapBytes } from '../data/values.js';
import {
  formatTag,
  isGroupLength,
  ItemDelimitationTag,
  ItemTag,
  SequenceDelimitationTag,
  UNDEFINED_LENGTH,
} from '../data/tag.js';
import { ChunkWriter } from './byte-sink.js';

export interface DatasetWriteOptions {
  /**
   * Values left in their source (bulk data) are emitted as deferred chunks, read only as the output is consumed
   * (see writeDicomStream), instead of being read whole while encoding. Default false.
   */
  deferBulkData?: boolean;
  /** Sequence and item lengths: as read (default), all undefined, or all defined. */
  sequenceLength?: 'preserve' | 'undefined' | 'defined';
  /** Group length elements (gggg,0000): keep them, with their value recalculated for the output (default), or drop them. */
  groupLength?: 'keep' | 'remove';
}

export interface Encoding {
  explicitVR: boolean;
  littleEndian: boolean;
  /** Encapsulated Pixel Data may be written (the target transfer syntax is encapsulated). */
  encapsulated: boolean;
}

const EMPTY = new Uint8Array(0);

/** The value bytes of a non-sequence element in the target byte order, padded to even length. */
export function elementValueBytes(ds: Dataset, el: DicomElement, le: boolean): Uint8Array {
  const info = VR_INFO[el.vr];
  let raw = el.raw ?? (el.bulk ? readBulk(el.bulk) : undefined);
  if (raw === undefined) {
    if (!el.isDecoded) return EMPTY;
    return encodeValue(el.vr, el.decoded, ds.characterSets, le);
  }
  // AT is a pair of 16-bit numbers (group, element): it swaps in units of 2 (PS3.5 §6.2).
  if (el.littleEndian !== le && info.unitSize > 1) raw = swapBytes(raw, el.vr === 'AT' ? 2 : info.unitSize);
  if (raw.length & 1) {
    const padded = new Uint8Array(raw.length + 1);
    padded.set(raw);
    padded[raw.length] = info.padding;
    return padded;
  }
  return raw;
}

export class DatasetWriter {
  constructor(
    private readonly enc: Encoding,
    private readonly options: DatasetWriteOptions = {},
  ) {}

  private header(w: ChunkWriter, tag: number, vr: VR, length: number): void {
    const le = this.enc.littleEndian;
    w.u16(tag >>> 16, le);
    w.u16(tag & 0xffff, le);
    if (!this.enc.explicitVR) {
      w.u32(length, le);
      return;
    }
    w.ascii(vr);
    if (VR_INFO[vr].longLength) {
      w.u16(0, le);
      w.u32(length, le);
    } else {
      w.u16(length, le);
    }
  }

  /** Writes every element of `ds` (in tag order) to `w`. A Group Length gets the encoded length of the rest of its group (PS3.5 §7.2). */
  writeDataset(w: ChunkWriter, ds: Dataset): void {
    const dropGroupLength = this.options.groupLength === 'remove';
    const els = [...ds];
    for (let i = 0; i < els.length; i++) {
      const el = els[i]!;
      if (!isGroupLength(el.tag)) {
        this.writeElement(w, ds, el);
        continue;
      }
      if (dropGroupLength) continue;
      const group = el.tag >>> 16;
      const body = new ChunkWriter();
      let j = i + 1;
      for (; j < els.length && els[j]!.tag >>> 16 === group; j++) this.writeElement(body, ds, els[j]!);
      this.header(w, el.tag, 'UL', 4);
      w.u32(body.length, this.enc.littleEndian);
      w.append(body);
      i = j - 1;
    }
  }

  writeElement(w: ChunkWriter, ds: Dataset, el: DicomElement): void {
    const le = this.enc.littleEndian;
    if (el.items) {
      this.writeSequence(w, el);
      return;
    }
    if (el.encapsulated) {
      if (!this.enc.encapsulated) {
        throw new DicomError(
          'UNSUPPORTED_TRANSFER_SYNTAX',
          'encapsulated Pixel Data cannot be written in a native transfer syntax: decode it first (@dicomkit/imaging)',
          { tagPath: formatTag(el.tag) },
        );
      }
      const vr: VR = el.vr === 'OW' || el.vr === 'OB' ? 'OB' : 'OB';
      this.header(w, el.tag, vr, UNDEFINED_LENGTH);
      const frag = el.encapsulated;
      w.u16(0xfffe, true);
      w.u16(0xe000, true);
      w.u32(frag.basicOffsetTable.length * 4, true);
      for (const o of frag.basicOffsetTable) w.u32(o, true);
      for (let i = 0; i < frag.fragments.length; i++) {
        let b = frag.fragmentBytes(i);
        if (b.length & 1) {
          const p = new Uint8Array(b.length + 1);
          p.set(b);
          b = p;
        }
        w.u16(0xfffe, true);
        w.u16(0xe000, true);
        w.u32(b.length, true);
        w.bytes(b);
      }
      w.u16(0xfffe, true);
      w.u16(0xe0dd, true);
      w.u32(0, true);
      return;
    }
    if (
      this.options.deferBulkData &&
      el.bulk &&
      !el.raw &&
      !el.isDecoded &&
      el.bulk.length % 2 === 0 &&
      (el.littleEndian === le || VR_INFO[el.vr].unitSize === 1)
    ) {
      // Streamed from its source as the output is consumed: never held whole in memory.
      const vr = this.enc.explicitVR && !VR_INFO[el.vr].longLength && el.bulk.length > 0xffff ? 'UN' : el.vr;
      this.header(w, el.tag, vr, el.bulk.length);
      w.deferred(el.bulk);
      return;
    }
    const value = elementValueBytes(ds, el, le);
    let vr = el.vr;
    // A value too long for a 16-bit length cannot be written with its VR in explicit VR: write it as UN (as dcmtk does).
    if (this.enc.explicitVR && !VR_INFO[vr].longLength && value.length > 0xffff) vr = 'UN';
    this.header(w, el.tag, vr, value.length);
    w.bytes(value);
  }

  private undefinedForm(readUndefined: boolean): boolean {
    const mode = this.options.sequenceLength ?? 'preserve';
    return mode === 'undefined' || (mode === 'preserve' && readUndefined);
  }

  private writeSequence(w: ChunkWriter, el: DicomElement): void {
    const le = this.enc.littleEndian;
    const items = el.items!;
    // In implicit VR a reader knows a sequence of defined length only from its dictionary; a private or unknown
    // one is written with undefined length so that it reads back as a sequence (PS3.5 §7.5.1, §6.2.2).
    const seqUndefined =
      this.undefinedForm(el.undefinedLength) ||
      (!this.enc.explicitVR && !lookupTag(el.tag)?.vrs.includes('SQ'));
    const body = new ChunkWriter();
    for (const item of items) {
      const itemUndefined = this.undefinedForm(item.undefinedLength);
      const content = new ChunkWriter();
      this.writeDataset(content, item);
      body.u16(ItemTag >>> 16, le);
      body.u16(ItemTag & 0xffff, le);
      body.u32(itemUndefined ? UNDEFINED_LENGTH : content.length, le);
      body.append(content);
      if (itemUndefined) {
        body.u16(ItemDelimitationTag >>> 16, le);
        body.u16(ItemDelimitationTag & 0xffff, le);
        body.u32(0, le);
      }
    }
    this.header(w, el.tag, 'SQ', seqUndefined ? UNDEFINED_LENGTH : body.length);
    w.append(body);
    if (seqUndefined) {
      w.u16(SequenceDelimitationTag >>> 16, le);
      w.u16(SequenceDelimitationTag & 0xffff, le);
      w.u32(0, le);
    }
  }
}
