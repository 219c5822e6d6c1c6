/**
 * Start-up reconciliation of the blob store with the index, for what a crash can leave behind (ingest.ts writes
 * the blob, then the index): temporary files are removed; index rows whose blob is missing are dropped; blobs
 * without a row are indexed — unless they are unreadable (removed) or their SOP Instance UID is indexed under
 * another key (a replacement that was never acknowledged, or a replaced blob whose removal did not happen:
 * removed).
 */
import type { BlobInfo, BlobStore } from './storage/blob-store.js';
import { hashOfKey, uidHash } from './storage/keys.js';
import type { ArchiveIndex } from './index/archive-index.js';
import { ingestFile, readHeader } from './ingest.js';
import { recordOf } from './index/record.js';

export interface ReconcileReport {
  temporaryFilesRemoved: number;
  rowsDropped: number;
  blobsIndexed: number;
  blobsRemoved: number;
  /** Files under the blob folder that are not ours (left alone). */
  foreign: string[];
}

export async function reconcile(
  blobs: BlobStore,
  index: ArchiveIndex,
  log: (msg: string) => void = () => undefined,
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    temporaryFilesRemoved: await blobs.removeTemporaryFiles(),
    rowsDropped: 0,
    blobsIndexed: 0,
    blobsRemoved: 0,
    foreign: [],
  };
  const indexed = await index.blobKeys();
  const present = new Set<string>();
  const orphans: BlobInfo[] = [];
  for await (const b of blobs.list()) {
    present.add(b.key);
    if (!indexed.has(b.key)) orphans.push(b);
  }
  // Rows first: an orphan blob may be the only copy of an instance whose row points at a missing blob.
  for (const [key, uid] of indexed) {
    if (present.has(key)) continue;
    await index.removeByBlobKey(key);
    report.rowsDropped++;
    log(`index row of ${uid} dropped: its blob ${key} is missing`);
  }
  for (const b of orphans) {
    const hash = hashOfKey(b.key);
    const path = blobs.localPath?.(b.key);
    if (!hash || !path) {
      report.foreign.push(b.key);
      continue;
    }
    let uid: string;
    try {
      const h = readHeader(path);
      uid = recordOf(h.dataset, h.meta).sopInstanceUid;
      if (uidHash(uid) !== hash) throw new Error('its SOP Instance UID does not give its key');
    } catch (e) {
      await blobs.delete(b.key);
      report.blobsRemoved++;
      log(`blob ${b.key} removed: unreadable (${(e as Error).message})`);
      continue;
    }
    if ((await index.keyOf(uid)) !== undefined) {
      await blobs.delete(b.key);
      report.blobsRemoved++;
      log(`blob ${b.key} removed: ${uid} is indexed with another blob`);
      continue;
    }
    await ingestFile(blobs, index, path, { existing: b });
    report.blobsIndexed++;
    log(`blob ${b.key} indexed (${uid}): its index row was missing`);
  }
  return report;
}
