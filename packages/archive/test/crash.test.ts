/**
 * A crash in the middle of receiving: the archive runs in a child process (`dicomkit serve`) and is killed with
 * SIGKILL while a large C-STORE's data set is half received. After a restart no temporary (half) file remains,
 * every index row has its blob and every blob its row, the earlier objects are served, and SIGTERM stops it cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Dataset, writeDataset } from '@dicomkit/core';
import {
  Association,
  CommandField,
  contextsFor,
  find,
  get,
  identifierFrom,
  Priority,
  QR,
  readPart10Info,
  ServiceRegistry,
  StorageScp,
  storeFile,
} from '@dicomkit/net';
import { datasetBytes, shared, writeInstance } from './corpus.js';

const CLI = resolve(shared.REPO_ROOT, 'packages/cli/dist/src/main.js');
const TMP = mkdtempSync(join(tmpdir(), 'dk-archive-crash-'));
const DATA = join(TMP, 'data');
const SC = '1.2.840.10008.5.1.4.1.1.7';
const EXPLICIT = '1.2.840.10008.1.2.1';

interface Served {
  child: ChildProcess;
  stderr: string[];
}

/** The port of the archive now running (any free port: it logs the one it got). */
let PORT = 0;

/** Starts `dicomkit serve` and resolves once it listens. */
function serve(): Promise<Served> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--data', DATA, '--dimse-port', '0', '--aet', 'ARCHIVE'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const stderr: string[] = [];
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr.join('')}`)), 20_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      stderr.push(s);
      const m = /DIMSE on 127\.0\.0\.1:(\d+)/.exec(stderr.join(''));
      if (m) {
        PORT = Number(m[1]);
        clearTimeout(timer);
        resolvePromise({ child, stderr });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}): ${stderr.join('')}`));
    });
  });
}

function connect(
  contexts: { abstractSyntax: string; transferSyntaxes: string[] }[],
  extra = {},
): Promise<Association> {
  return Association.connect({
    host: '127.0.0.1',
    port: PORT,
    callingAeTitle: 'CRASHTEST',
    calledAeTitle: 'ARCHIVE',
    contexts,
    ...extra,
  });
}

function tempFiles(): { name: string; size: number }[] {
  const dir = join(DATA, 'tmp');
  return existsSync(dir)
    ? readdirSync(dir).map((name) => ({ name, size: statSync(join(dir, name)).size }))
    : [];
}

test(
  'SIGKILL in the middle of a large C-STORE: nothing half-written survives a restart',
  { timeout: 60_000 },
  async () => {
    const src = join(TMP, 'src');
    mkdirSync(src);
    const small = [1, 2, 3].map((n) =>
      writeInstance(src, {
        PatientName: `Crash^${n}`,
        PatientID: 'CRASH',
        StudyInstanceUID: '1.2.7.1',
        SeriesInstanceUID: '1.2.7.1.1',
        SOPInstanceUID: `1.2.7.1.1.${n}`,
        Modality: 'OT',
      }),
    );
    let served = await serve();
    let a = await connect(contextsFor(small.map(readPart10Info)));
    for (const p of small) assert.equal((await storeFile(a, p, readPart10Info(p))).status, 0);
    await a.release();

    // A 32 MiB data set, of which 16 MiB are sent; then the sender waits while the archive is killed.
    const big = new Dataset();
    big.set('SOPClassUID', undefined, SC);
    big.set('SOPInstanceUID', undefined, '1.2.7.1.1.99');
    big.set('StudyInstanceUID', undefined, '1.2.7.1');
    big.set('SeriesInstanceUID', undefined, '1.2.7.1.1');
    big.set('PixelData', 'OW', new Uint8Array(32 * 1024 * 1024));
    const bytes = writeDataset(big, EXPLICIT);
    let killed!: () => void;
    const killedNow = new Promise<void>((r) => (killed = r));
    async function* halfThenWait(): AsyncIterable<Uint8Array> {
      for (let o = 0; o < bytes.length / 2; o += 1 << 20) yield bytes.subarray(o, o + (1 << 20));
      await killedNow; // the rest never comes: the sender gives up once the archive is gone
    }
    a = await connect([{ abstractSyntax: SC, transferSyntaxes: [EXPLICIT] }]);
    const sending = a
      .requestResponse(
        a.contexts[0]!.id,
        {
          CommandField: CommandField.CStoreRq,
          AffectedSOPClassUID: SC,
          AffectedSOPInstanceUID: '1.2.7.1.1.99',
          Priority: Priority.Medium,
          CommandDataSetType: 0,
        },
        halfThenWait(),
      )
      .then(
        () => 'answered',
        (e: Error) => e.message,
      );
    // Wait until the archive has written a good part of it to its temporary file, then kill it.
    for (let i = 0; i < 500 && !tempFiles().some((f) => f.size > 8 * 1024 * 1024); i++)
      await new Promise((r) => setTimeout(r, 10));
    const half = tempFiles().find((f) => f.size > 8 * 1024 * 1024);
    assert.ok(half, `a half-received temporary file: ${JSON.stringify(tempFiles())}`);
    const exited = new Promise((r) => served.child.once('exit', r));
    served.child.kill('SIGKILL');
    await exited;
    killed();
    assert.notEqual(await sending, 'answered', 'the C-STORE was never acknowledged');
    assert.ok(existsSync(join(DATA, 'tmp', half.name)), 'the crash left the half file behind');

    served = await serve();
    try {
      assert.match(served.stderr.join(''), /reconciled: [1-9]\d* temporary file\(s\) removed/);
      assert.deepEqual(tempFiles(), [], 'no temporary or half file remains');
      a = await connect(
        Object.values(QR).map((abstractSyntax) => ({ abstractSyntax, transferSyntaxes: [EXPLICIT] })),
      );
      const found = await find(
        a,
        'STUDY',
        identifierFrom(['StudyInstanceUID=1.2.7.1', 'SOPInstanceUID'], 'IMAGE'),
      );
      await a.release();
      assert.deepEqual(found.matches.map((d) => d.string('SOPInstanceUID')).sort(), [
        '1.2.7.1.1.1',
        '1.2.7.1.1.2',
        '1.2.7.1.1.3',
      ]);
      // The earlier objects come back byte for byte.
      const gotDir = join(TMP, 'got');
      mkdirSync(gotDir);
      a = await connect(
        [
          { abstractSyntax: QR.StudyRootGet, transferSyntaxes: [EXPLICIT] },
          { abstractSyntax: SC, transferSyntaxes: [EXPLICIT] },
        ],
        { roleSelections: [{ sopClassUid: SC, scuRole: false, scpRole: true }] },
      );
      a.handler = new ServiceRegistry([new StorageScp({ directory: gotDir })]);
      const r = await get(a, 'STUDY', identifierFrom(['StudyInstanceUID=1.2.7.1'], 'STUDY'));
      await a.release();
      assert.deepEqual([r.status, r.completed], [0, 3]);
      for (const [i, p] of small.entries())
        assert.ok(datasetBytes(join(gotDir, `1.2.7.1.1.${i + 1}.dcm`)).equals(datasetBytes(p)));
    } finally {
      const code = new Promise<number | null>((r) => served.child.once('exit', r));
      served.child.kill('SIGTERM');
      assert.equal(await code, 0, 'SIGTERM stops it cleanly');
    }
    // Index and blobs agree: every row has its blob, every blob its row.
    const db = new Database(join(DATA, 'index.sqlite'), { readonly: true });
    const keys = (db.prepare('select blob_key from instances').all() as { blob_key: string }[]).map(
      (x) => x.blob_key,
    );
    db.close();
    const blobs: string[] = [];
    const walk = (d: string, rel: string[]): void => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(d, e.name), [...rel, e.name]);
        else blobs.push([...rel, e.name].join('/'));
    };
    walk(join(DATA, 'blobs'), []);
    assert.deepEqual(blobs.sort(), keys.sort());
    assert.equal(keys.length, 3);
    rmSync(TMP, { recursive: true, force: true });
  },
);
