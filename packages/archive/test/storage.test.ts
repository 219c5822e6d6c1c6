/**
 * The filesystem blob store: keys from a hash of the UID (never the UID), unsafe keys refused, puts atomic and
 * complete, reads, deletes, listing, temporary files removed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { assertSafeKey, FsBlobStore, hashOfKey, newBlobKey, uidHash } from '../src/index.js';

test('blob keys: two levels of a SHA-256 of the UID and a version; never the UID', () => {
  const hostile = '../../etc/passwd\\..\\x:1.2.3';
  const k1 = newBlobKey(hostile);
  const k2 = newBlobKey(hostile);
  assert.notEqual(k1, k2, 'a new version each time');
  for (const k of [k1, k2]) {
    assert.match(k, /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}\.[0-9a-z]+\.dcm$/);
    assert.equal(hashOfKey(k), uidHash(hostile));
    assertSafeKey(k);
  }
  assert.equal(hashOfKey('ab/cd/not-ours.dcm'), undefined);
  assert.equal(hashOfKey(`ff/ff/${uidHash('1.2')}.x.dcm`), undefined, 'the folders must be the hash prefix');
});

test('unsafe keys are refused before touching the file system', () => {
  const store = new FsBlobStore(join(tmpdir(), 'never-created'));
  for (const bad of [
    '',
    '../x',
    'a/../../x',
    '/abs',
    'a//b',
    'A/B',
    'a/./b',
    'a\\b',
    'a/b/',
    'x'.repeat(600),
    'a b',
  ])
    assert.throws(() => store.localPath(bad), /unsafe blob key/, JSON.stringify(bad));
});

test('put (file and stream), read, exists, list, delete; temporary files removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dk-blobs-'));
  try {
    const store = new FsBlobStore(dir);
    await store.init();
    const k1 = newBlobKey('1.2.3');
    const temp = store.newTempPath();
    writeFileSync(temp, 'first object');
    assert.deepEqual(await store.putFile(k1, temp), { key: k1, size: 12 });
    assert.deepEqual(readdirSync(store.tempDirectory), [], 'the temporary file was moved');
    const k2 = newBlobKey('1.2.4');
    async function* chunks(): AsyncIterable<Uint8Array> {
      yield Buffer.from('second ');
      yield Buffer.from('object');
    }
    assert.deepEqual(await store.putStream(k2, chunks()), { key: k2, size: 13 });
    assert.equal(readFileSync(store.localPath(k2), 'utf8'), 'second object');
    assert.equal(await text(store.openRead(k1)), 'first object');
    assert.equal(await store.exists(k1), true);
    const listed: string[] = [];
    for await (const b of store.list()) listed.push(`${b.key}:${b.size}`);
    assert.deepEqual(listed.sort(), [`${k1}:12`, `${k2}:13`].sort());
    await store.delete(k1);
    await store.delete(k1); // twice: no error
    assert.equal(await store.exists(k1), false);
    writeFileSync(join(store.tempDirectory, '.dicomkit-abc-1.part'), 'half');
    writeFileSync(store.newTempPath(), 'half');
    assert.equal(await store.removeTemporaryFiles(), 2);
    assert.deepEqual(readdirSync(store.tempDirectory), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
