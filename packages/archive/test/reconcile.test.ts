/**
 * Start-up reconciliation: what a crash between the blob and the index (or a lost index row, or a lost blob)
 * leaves behind is repaired when the archive opens again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Archive, ingestFile, newBlobKey, uidHash } from '../src/index.js';
import { writeInstance } from './corpus.js';

const TMP = mkdtempSync(join(tmpdir(), 'dk-archive-reconcile-'));
const DATA = join(TMP, 'data');

function instance(n: number): Record<string, string> {
  return {
    PatientName: `Patient^${n}`,
    PatientID: `P${n}`,
    StudyInstanceUID: `1.2.9.${n}`,
    SeriesInstanceUID: `1.2.9.${n}.1`,
    SOPInstanceUID: `1.2.9.${n}.1.1`,
    Modality: 'OT',
  };
}

async function reopen(): Promise<Archive> {
  return Archive.open({ dataDirectory: DATA });
}

test('reconcile on start-up: lost row re-indexed, row without blob dropped, temporary and stray blobs removed', async () => {
  let a = await reopen();
  for (const n of [1, 2, 3])
    await ingestFile(a.blobs, a.index, writeInstance(a.blobs.tempDirectory, instance(n)));
  const key1 = (await a.index.keyOf('1.2.9.1.1.1'))!;
  const key2 = (await a.index.keyOf('1.2.9.2.1.1'))!;
  const key3 = (await a.index.keyOf('1.2.9.3.1.1'))!;
  await a.close();

  // 1. The index loses instance 1's row (as if the crash came between blob and index).
  const db = new Database(join(DATA, 'index.sqlite'));
  db.prepare('delete from instances where sop_instance_uid = ?').run('1.2.9.1.1.1');
  db.close();
  // 2. Instance 2's blob disappears.
  unlinkSync(join(DATA, 'blobs', ...key2.split('/')));
  // 3. A temporary file of an interrupted C-STORE, an unreadable blob under a key of ours, and a second blob of
  //    instance 3 that was never indexed (a replacement that was not acknowledged).
  writeFileSync(join(DATA, 'tmp', '.dicomkit-0123456789ab-0.part'), Buffer.alloc(4096));
  const junkKey = newBlobKey('1.2.9.99');
  mkdirSync(dirname(join(DATA, 'blobs', ...junkKey.split('/'))), { recursive: true });
  writeFileSync(join(DATA, 'blobs', ...junkKey.split('/')), 'not DICOM');
  const dupKey = newBlobKey('1.2.9.3.1.1');
  mkdirSync(dirname(join(DATA, 'blobs', ...dupKey.split('/'))), { recursive: true });
  copyFileSync(join(DATA, 'blobs', ...key3.split('/')), join(DATA, 'blobs', ...dupKey.split('/')));

  a = await reopen();
  try {
    assert.deepEqual(a.reconciled, {
      temporaryFilesRemoved: 1,
      rowsDropped: 1,
      blobsIndexed: 1,
      blobsRemoved: 2,
      foreign: [],
    });
    assert.equal(await a.index.keyOf('1.2.9.1.1.1'), key1, 'instance 1 indexed again from its blob');
    assert.equal(await a.index.keyOf('1.2.9.2.1.1'), undefined, 'instance 2 is gone');
    assert.equal(await a.index.keyOf('1.2.9.3.1.1'), key3, 'instance 3 keeps its acknowledged blob');
    assert.deepEqual(await a.index.counts(), { patients: 2, studies: 2, series: 2, instances: 2 });
    const keys: string[] = [];
    for await (const b of a.blobs.list()) keys.push(b.key);
    assert.deepEqual(keys.sort(), [key1, key3].sort());
    assert.deepEqual(readdirSync(a.blobs.tempDirectory), []);
    assert.ok(key1.includes(uidHash('1.2.9.1.1.1')));
  } finally {
    await a.close();
  }
  // Nothing left to do the next time.
  a = await reopen();
  assert.deepEqual(a.reconciled, {
    temporaryFilesRemoved: 0,
    rowsDropped: 0,
    blobsIndexed: 0,
    blobsRemoved: 0,
    foreign: [],
  });
  await a.close();
  rmSync(TMP, { recursive: true, force: true });
});
