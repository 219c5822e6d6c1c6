/**
 * The archive (`dicomkit serve`) with dcmtk's tools on loopback: storescu of a folder and dcmsend of compressed
 * files → the archive; findscu at STUDY, SERIES and IMAGE level; movescu to a storescp destination; getscu. dcmtk's
 * servers bind every interface, so this file re-runs itself inside a private network namespace
 * (`unshare --net`, loopback only), as packages/net/test/interop-dcmtk.test.ts does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDicomFileSync } from '@dicomkit/core/node';
import { corpusFiles, datasetBytes, shared, type CorpusFile } from './corpus.js';

const { needNetns, stopProcess, testInNetns, waitPort } = shared;

const HERE = fileURLToPath(import.meta.url);
const CLI = resolve(shared.REPO_ROOT, 'packages/cli/dist/src/main.js');
const UNCOMPRESSED = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2'];

if (!shared.IN_NETNS) {
  testInNetns('archive ↔ dcmtk (in a loopback-only network namespace)', HERE, {
    skip:
      shared.needCommand('storescu') || shared.needCommand('unshare') || shared.needTestdata() || needNetns(),
    timeoutMs: 110_000,
  });
} else {
  scenarios();
}

function run(cmd: string, args: string[]): { status: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

const logs = new Map<ChildProcess, string[]>();

function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  logs.set(c, log);
  c.stderr?.setEncoding('utf8');
  c.stderr?.on('data', (s: string) => log.push(s));
  return c;
}

const stop = stopProcess;

/**
 * The data set as dcmdump prints it with every value in full, without the File Meta group and without what may
 * legitimately change in transit (value lengths, defined/undefined length of sequences and items, trailing padding).
 */
function dump(path: string): string[] {
  const r = spawnSync('dcmdump', ['-q', '+L', path], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) return [`dcmdump failed: ${r.stderr}`];
  return (
    r.stdout
      .split('\n')
      // Group lengths (gggg,0000) are recomputed by dcmtk when it re-encodes (and are optional, PS3.5 §7.2).
      .filter((l) => !/^\s*\((0002,|fffc,fffc|[0-9a-f]{4},0000)/.test(l) && !/Delimitation|^#|^\s*$/.test(l))
      .map((l) =>
        l
          .replace(/#\s*(\d+|u\/l),/, '#')
          .replace(/(explicit|undefined) length/, 'length')
          .replace(/\s+/g, ' ')
          .replace(/^(\s*\([0-9a-f,]+\)) \?\? /, '$1 UN '),
      )
  );
}

function dcmtkKnowsSopClass(path: string): boolean {
  return /UI =/.test(run('dcmdump', ['-q', '+P', '0008,0016', path]).out);
}

function uidsIn(out: string, tag: string): string[] {
  return [...out.matchAll(new RegExp(`\\(${tag}\\) UI \\[([0-9.]+)\\0?\\]`, 'g'))].map((m) => m[1]!);
}

function scenarios(): void {
  const tmp = mkdtempSync(join(tmpdir(), 'dk-archive-interop-'));
  const all = corpusFiles(36, { dcmtkOnly: true });
  // storescu proposes only SOP classes dcmtk 3.6.7 knows (dcmdump names them): the others go with dcmsend.
  const plain = all.filter((f) => UNCOMPRESSED.includes(f.transferSyntaxUid) && dcmtkKnowsSopClass(f.path));
  // JPEG Lossless Process 14 (…4.57) is not in storescp 3.6.7's +xa list (the C-MOVE destination would refuse it).
  const compressed = all
    .filter((f) => !plain.includes(f) && f.transferSyntaxUid !== '1.2.840.10008.1.2.4.57')
    .slice(0, 10);
  const files = [...plain, ...compressed];
  const byStudy = new Map<string, CorpusFile[]>();
  for (const f of files) byStudy.set(f.studyInstanceUid, [...(byStudy.get(f.studyInstanceUid) ?? []), f]);
  const data = join(tmp, 'data');
  const PORT = 12101;
  const DEST = 12102;
  let archive: ChildProcess;
  const stored = new Map<string, string>(); // SOP Instance UID → blob path, filled after storing

  test('storescu (a folder) and dcmsend (compressed files) → the archive: every data set stored as sent', async () => {
    const folder = join(tmp, 'in');
    mkdirSync(folder);
    for (const [i, f] of plain.entries()) copyFileSync(f.path, join(folder, `f${i}.dcm`));
    archive = start(process.execPath, [
      CLI,
      'serve',
      '--data',
      data,
      '--dimse-port',
      String(PORT),
      '--aet',
      'ARCHIVE',
      '--move-destination',
      `STORESCP=127.0.0.1:${DEST}`,
    ]);
    await waitPort(PORT);
    const s = run('storescu', [
      '+sd',
      '-R',
      '-aet',
      'STORESCU',
      '-aec',
      'ARCHIVE',
      '127.0.0.1',
      String(PORT),
      folder,
    ]);
    assert.equal(s.status, 0, s.out);
    const d = run('dcmsend', [
      '-aec',
      'ARCHIVE',
      '127.0.0.1',
      String(PORT),
      ...compressed.map((f) => f.path),
    ]);
    assert.equal(d.status, 0, d.out);
    // What the archive holds: found through its own C-FIND (our find) below; here, the blobs themselves.
    const blobs: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(dir, e.name));
        else blobs.push(join(dir, e.name));
    };
    walk(join(data, 'blobs'));
    assert.equal(blobs.length, files.length, `${blobs.length} blobs for ${files.length} files`);
    for (const b of blobs)
      stored.set(readDicomFileSync(b, { stopBeforePixelData: true }).dataset.string('SOPInstanceUID')!, b);
    let identical = 0;
    for (const f of files) {
      const b = stored.get(f.sopInstanceUid);
      assert.ok(b, `${f.path} stored`);
      assert.deepEqual(dump(b), dump(f.path), f.path);
      if (datasetBytes(b).equals(datasetBytes(f.path))) identical++;
      if (!UNCOMPRESSED.includes(f.transferSyntaxUid))
        assert.equal(
          readDicomFileSync(b, { stopBeforePixelData: true }).transferSyntax.uid,
          f.transferSyntaxUid,
          'stored as received',
        );
    }
    console.log(
      `# ${plain.length} files by storescu, ${compressed.length} by dcmsend ` +
        `(${new Set(compressed.map((f) => f.transferSyntaxUid)).size} transfer syntaxes); ` +
        `${identical} of ${files.length} blobs hold the sent data set byte for byte (storescu re-encodes the rest)`,
    );
    assert.deepEqual(readdirSync(join(data, 'tmp')), []);
  });

  test('findscu at STUDY, SERIES and IMAGE level returns the right entities and keys', () => {
    const f = run('findscu', [
      '-S',
      '-aec',
      'ARCHIVE',
      '-k',
      'QueryRetrieveLevel=STUDY',
      '-k',
      'StudyInstanceUID',
      '-k',
      'PatientID',
      '-k',
      'NumberOfStudyRelatedInstances',
      '127.0.0.1',
      String(PORT),
    ]);
    assert.equal(f.status, 0, f.out);
    assert.deepEqual(uidsIn(f.out, '0020,000d').sort(), [...byStudy.keys()].sort(), 'every study once');
    const [study, group] = [...byStudy.entries()].sort((a, b) => b[1].length - a[1].length)[0]!;
    const one = run('findscu', [
      '-S',
      '-aec',
      'ARCHIVE',
      '-k',
      'QueryRetrieveLevel=STUDY',
      '-k',
      `StudyInstanceUID=${study}`,
      '-k',
      'NumberOfStudyRelatedInstances',
      '-k',
      'ModalitiesInStudy',
      '127.0.0.1',
      String(PORT),
    ]);
    assert.equal(one.status, 0, one.out);
    assert.match(one.out, new RegExp(`\\(0020,1208\\) IS \\[${group.length}\\s*\\]`), one.out);
    const s = run('findscu', [
      '-S',
      '-aec',
      'ARCHIVE',
      '-k',
      'QueryRetrieveLevel=SERIES',
      '-k',
      `StudyInstanceUID=${study}`,
      '-k',
      'SeriesInstanceUID',
      '-k',
      'Modality',
      '127.0.0.1',
      String(PORT),
    ]);
    assert.equal(s.status, 0, s.out);
    assert.deepEqual(
      uidsIn(s.out, '0020,000e').sort(),
      [...new Set(group.map((x) => x.seriesInstanceUid))].sort(),
    );
    const series = group[0]!.seriesInstanceUid;
    const i = run('findscu', [
      '-S',
      '-aec',
      'ARCHIVE',
      '-k',
      'QueryRetrieveLevel=IMAGE',
      '-k',
      `StudyInstanceUID=${study}`,
      '-k',
      `SeriesInstanceUID=${series}`,
      '-k',
      'SOPInstanceUID',
      '127.0.0.1',
      String(PORT),
    ]);
    assert.equal(i.status, 0, i.out);
    assert.deepEqual(
      uidsIn(i.out, '0008,0018').sort(),
      group
        .filter((x) => x.seriesInstanceUid === series)
        .map((x) => x.sopInstanceUid)
        .sort(),
    );
  });

  test('movescu of every study to a storescp destination, getscu of the uncompressed ones: every instance equal', async () => {
    const moved = join(tmp, 'moved');
    const got = join(tmp, 'got');
    mkdirSync(moved);
    mkdirSync(got);
    const scp = start('storescp', ['+xa', '-pm', '-aet', 'STORESCP', '-od', moved, String(DEST)]);
    try {
      await waitPort(DEST);
      for (const study of byStudy.keys()) {
        const m = run('movescu', [
          '-S',
          '-aet',
          'MOVESCU',
          '-aec',
          'ARCHIVE',
          '-aem',
          'STORESCP',
          '-k',
          'QueryRetrieveLevel=STUDY',
          '-k',
          `StudyInstanceUID=${study}`,
          '127.0.0.1',
          String(PORT),
        ]);
        if (m.status !== 0) await new Promise((r) => setTimeout(r, 300)); // let the archive's log arrive
        assert.equal(m.status, 0, `${m.out}\n${logs.get(archive)!.join('').slice(-1500)}`);
      }
      const bad = run('movescu', [
        '-S',
        '-aec',
        'ARCHIVE',
        '-aem',
        'NOSUCHAE',
        '-k',
        'QueryRetrieveLevel=STUDY',
        '-k',
        `StudyInstanceUID=${files[0]!.studyInstanceUid}`,
        '127.0.0.1',
        String(PORT),
      ]);
      assert.match(bad.out, /MoveDestinationUnknown|a801/i);
    } finally {
      await stop(scp);
    }
    const plainStudies = [...byStudy.entries()].filter(([, g]) =>
      g.every((f) => UNCOMPRESSED.includes(f.transferSyntaxUid)),
    );
    for (const [study] of plainStudies) {
      const g = run('getscu', [
        '-S',
        '-aec',
        'ARCHIVE',
        '-od',
        got,
        '-k',
        'QueryRetrieveLevel=STUDY',
        '-k',
        `StudyInstanceUID=${study}`,
        '127.0.0.1',
        String(PORT),
      ]);
      assert.equal(g.status, 0, g.out);
    }
    const byUid = (dir: string): Map<string, string> =>
      new Map(
        readdirSync(dir).map((n) => [
          readDicomFileSync(join(dir, n), { stopBeforePixelData: true }).dataset.string('SOPInstanceUID')!,
          join(dir, n),
        ]),
      );
    const movedFiles = byUid(moved);
    assert.equal(movedFiles.size, files.length, 'C-MOVE delivered every instance');
    for (const f of files)
      assert.deepEqual(dump(movedFiles.get(f.sopInstanceUid)!), dump(f.path), `moved ${f.path}`);
    const gotFiles = byUid(got);
    const expected = plainStudies.flatMap(([, g]) => g);
    assert.equal(gotFiles.size, expected.length, 'C-GET delivered every instance');
    for (const f of expected)
      assert.deepEqual(dump(gotFiles.get(f.sopInstanceUid)!), dump(f.path), `got ${f.path}`);
    console.log(
      `# C-MOVE: ${movedFiles.size} instances, C-GET: ${gotFiles.size} instances (${plainStudies.length} studies), all equal (dcmdump +L)`,
    );
  });

  test('the archive stops cleanly on SIGTERM', async () => {
    assert.equal(await stop(archive), 0);
    rmSync(tmp, { recursive: true, force: true });
  });
}
