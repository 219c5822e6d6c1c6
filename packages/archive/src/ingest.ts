/**
 * Storing one object: the blob is made durable first (temporary file → fsync → rename → fsync of the folder),
 * then the index rows are written in one transaction; only then is the store a success. A crash between the two
 * leaves a blob without a row, which the start-up reconciliation (reconcile.ts) indexes or removes — never a row
 * without its blob. The same SOP Instance UID stored again replaces the earlier instance: the new blob gets a new
 * key, the index switches to it in the transaction, and the old blob is removed after the commit.
 */
import { readDicomFileSync } from '@dicomkit/core/node';
import { DicomError, type Dataset } from '@dicomkit/core';
import type { BlobInfo, BlobStore } from './storage/blob-store.js';
import { newBlobKey } from './storage/keys.js';
import type { ArchiveIndex } from './index/archive-index.js';
import { recordOf } from './index/record.js';

export interface IngestResult {
  sopInstanceUid: string;
  sopClassUid: string | undefined;
  studyInstanceUid: string;
  key: string;
  size: number;
  /** An earlier instance with the same SOP Instance UID was replaced. */
  replaced: boolean;
}

export interface IngestOptions {
  /** The AE title it came from (kept in the index). */
  sourceAe?: string;
  /** The object is already in the store under this key (reconciliation): only index it; `path` is its local file. */
  existing?: BlobInfo;
}

/** The header of a Part 10 file: values of 1 KiB and more stay in the file (never read). */
export function readHeader(path: string): { dataset: Dataset; meta: Dataset; transferSyntaxUid: string } {
  const f = readDicomFileSync(path, { bulkDataThreshold: 1024 });
  return { dataset: f.dataset, meta: f.meta, transferSyntaxUid: f.transferSyntax.uid };
}

/**
 * Stores a complete Part 10 file (a temporary file on the store's file system, which is moved, or removed on
 * failure). Resolves once the object is durable and indexed; throws a DicomError (bad object) or the store's or
 * the index's error, leaving nothing behind.
 */
export async function ingestFile(
  blobs: BlobStore,
  index: ArchiveIndex,
  path: string,
  options: IngestOptions = {},
): Promise<IngestResult> {
  let header: ReturnType<typeof readHeader>;
  let record: ReturnType<typeof recordOf>;
  try {
    header = readHeader(path);
    record = recordOf(header.dataset, header.meta);
  } catch (e) {
    throw e instanceof DicomError
      ? e
      : new DicomError('NOT_DICOM', String((e as Error).message), { cause: e });
  }
  const key = options.existing?.key ?? newBlobKey(record.sopInstanceUid);
  const blob = options.existing ?? (await blobs.putFile(key, path));
  let previousKey: string | undefined;
  try {
    ({ previousKey } = await index.upsert(record, {
      key,
      size: blob.size,
      transferSyntaxUid: header.transferSyntaxUid,
      ...(options.sourceAe !== undefined ? { sourceAe: options.sourceAe } : {}),
    }));
  } catch (e) {
    // Not indexed: the new blob must not stay (it was never acknowledged).
    if (!options.existing) await blobs.delete(key).catch(() => undefined);
    throw e;
  }
  if (previousKey) await blobs.delete(previousKey).catch(() => undefined); // reconcile removes it otherwise
  return {
    sopInstanceUid: record.sopInstanceUid,
    sopClassUid: record.columns.instances['sop_class_uid'] ?? undefined,
    studyInstanceUid: record.studyInstanceUid,
    key,
    size: blob.size,
    replaced: previousKey !== undefined,
  };
}
