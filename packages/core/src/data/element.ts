/**
 * A data element (PS3.5 §7.1): tag, VR and a value that stays as raw bytes over its source until first used.
 */
import type { VR } from '../encoding/vr.js';
import type { Tag } from './tag.js';
import type { BulkDataRef } from './bulk.js';
import type { EncapsulatedPixelData } from './fragments.js';
import type { Dataset } from './dataset.js';

/** What a decoded value can be (see Dataset.value for the mapping per VR). */
export type ElementValue =
  string[] | number[] | bigint[] | Uint8Array | Dataset[] | EncapsulatedPixelData | undefined;

export class DicomElement {
  /** Decoded value, once decoded or when set by a caller. */
  decoded: ElementValue = undefined;
  /** Whether `decoded` holds the value (an empty value decodes to [] or an empty array). */
  isDecoded = false;

  constructor(
    public readonly tag: Tag,
    public vr: VR,
    /** Raw value bytes as they were in the source, or undefined once a value is set. */
    public raw: Uint8Array | undefined,
    /** Byte order of `raw`. */
    public littleEndian: boolean = true,
  ) {}

  /** Sequence items (SQ). */
  items: Dataset[] | undefined;
  /** Encapsulated Pixel Data fragments. */
  encapsulated: EncapsulatedPixelData | undefined;
  /** A value left in the source (bulk data), read on demand. */
  bulk: BulkDataRef | undefined;
  /** The element was read with undefined length (SQ, encapsulated pixel data, UN); the writer keeps that form by default. */
  undefinedLength = false;
  /** Offset of the element's header in the source, when read from one. */
  offset = -1;

  /** Length of the value in bytes as it is held (raw or bulk); -1 for sequences and encapsulated data. */
  get length(): number {
    if (this.raw) return this.raw.length;
    if (this.bulk) return this.bulk.length;
    if (this.items || this.encapsulated) return -1;
    return 0;
  }
}
