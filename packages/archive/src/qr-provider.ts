/**
 * The archive's answer to Query/Retrieve (net's {@link QueryRetrieveProvider}): C-FIND responses built from the
 * index — indexed keys from their columns, counts and ModalitiesInStudy computed, any other key from the stored
 * header — and C-MOVE/C-GET instances from the blob store.
 */
import { Dataset, fromJson, type DicomElement } from '@dicomkit/core';
import { responseKeys, type QueryLevel, type QueryModel, type QueryRetrieveProvider } from '@dicomkit/net';
import type { BlobStore } from './storage/blob-store.js';
import type { IndexQuery, MatchedEntity } from './index/query.js';
import { ANSWERED, atOrAbove, COMPUTED, KEY_BY_TAG } from './index/keys.js';

const ANSWERED_TAGS = new Set<number>(Object.values(ANSWERED));
const COMPUTED_TAGS = new Set<number>(Object.values(COMPUTED));

/** Which level each count belongs to (PS3.4 Tables C.6-1…C.6-3). */
const COUNT_LEVEL: Record<number, QueryLevel> = {
  [COMPUTED.NumberOfPatientRelatedStudies]: 'PATIENT',
  [COMPUTED.NumberOfPatientRelatedSeries]: 'PATIENT',
  [COMPUTED.NumberOfPatientRelatedInstances]: 'PATIENT',
  [COMPUTED.NumberOfStudyRelatedSeries]: 'STUDY',
  [COMPUTED.NumberOfStudyRelatedInstances]: 'STUDY',
  [COMPUTED.NumberOfSeriesRelatedInstances]: 'SERIES',
};

export interface IndexProviderOptions {
  /** Our AE title: the Retrieve AE Title (0008,0054) of responses that ask for it. */
  aeTitle: string;
}

export class IndexProvider implements QueryRetrieveProvider {
  constructor(
    readonly query: IndexQuery,
    readonly blobs: BlobStore,
    readonly options: IndexProviderOptions,
  ) {}

  async *find(
    level: QueryLevel,
    identifier: Dataset,
    _model: QueryModel,
    signal: AbortSignal,
  ): AsyncIterable<Dataset> {
    const needHeader = [...identifier].some(
      (el) =>
        el.tag >>> 16 !== 0x0002 &&
        !KEY_BY_TAG.has(el.tag) &&
        !ANSWERED_TAGS.has(el.tag) &&
        !COMPUTED_TAGS.has(el.tag),
    );
    for await (const e of this.query.match(level, identifier, signal)) {
      if (needHeader && !e.header) {
        const text = await this.query.latestHeader(level, e.id);
        if (text) e.header = fromJson(JSON.parse(text));
      }
      yield await this.response(level, identifier, e);
    }
  }

  private async response(level: QueryLevel, identifier: Dataset, e: MatchedEntity): Promise<Dataset> {
    const out = responseKeys(identifier, e.header ?? new Dataset(), ANSWERED_TAGS);
    for (const el of identifier) {
      const k = KEY_BY_TAG.get(el.tag);
      if (k) {
        const v = atOrAbove(k.level, level) ? e.values.get(k.tag) : null;
        out.set(k.tag, k.vr, v ? v.split('\\') : undefined);
      } else if (el.tag === COMPUTED.ModalitiesInStudy) {
        out.set(el.tag, 'CS', level === 'STUDY' ? await this.query.modalitiesInStudy(e.id) : undefined);
      } else if (COMPUTED_TAGS.has(el.tag)) {
        const own = COUNT_LEVEL[el.tag] === level;
        out.set(el.tag, 'IS', own ? String(await this.query.count(el.tag, level, e.id)) : undefined);
      }
    }
    out.set(ANSWERED.QueryRetrieveLevel, 'CS', level);
    if (identifier.has(ANSWERED.RetrieveAETitle))
      out.set(ANSWERED.RetrieveAETitle, 'AE', this.options.aeTitle);
    if (identifier.has(ANSWERED.InstanceAvailability)) out.set(ANSWERED.InstanceAvailability, 'CS', 'ONLINE');
    // Values are Unicode strings: declare UTF-8 when any is beyond ASCII (PS3.5 §6.1.2.5.3), else the default.
    if (hasNonAscii(out)) out.set(ANSWERED.SpecificCharacterSet, 'CS', 'ISO_IR 192');
    return out;
  }

  async retrieve(
    level: QueryLevel,
    identifier: Dataset,
    _model: QueryModel,
    signal: AbortSignal,
  ): Promise<string[]> {
    const keys = await this.query.blobKeys(level, identifier, signal);
    const local = this.blobs.localPath?.bind(this.blobs);
    if (!local)
      throw new Error('this blob store has no local files (retrieve from object storage is not done yet)');
    return keys.map((k) => local(k));
  }
}

const TEXT_VRS = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);

function hasNonAscii(ds: Dataset): boolean {
  for (const el of ds as Iterable<DicomElement>) {
    if (el.items) {
      if (el.items.some(hasNonAscii)) return true;
    } else if (TEXT_VRS.has(el.vr)) {
      try {
        if (/[^\x00-\x7f]/.test(ds.strings(el.tag).join('\\'))) return true;
      } catch {
        /* not decodable: written as it is */
      }
    }
  }
  return false;
}
