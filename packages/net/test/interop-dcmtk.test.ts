/**
 * Interoperability with Debian's dcmtk on loopback. dcmtk's servers bind every interface, so this file re-runs
 * itself inside a private network namespace (`unshare --net`, loopback only) and every scenario — dcmtk's side
 * and ours — runs in there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDicomFileSync } from '@dicomkit/core/node';
import { lookupUid } from '@dicomkit/core';
// core's test helpers, compiled in core's dist (the relative path differs between source and output).
const shared = (await import(
  new URL('../../../core/dist/test/shared.js', import.meta.url).href
)) as typeof import('../../core/test/shared.js');
const {
  dcmtkReadable,
  IN_NETNS,
  needCommand,
  needNetns,
  needTestdata,
  REPO_ROOT,
  stopProcess,
  testInNetns,
  waitPort: sharedWaitPort,
} = shared;
import { readPart10Info } from '../src/index.js';

const HERE = fileURLToPath(import.meta.url);
const CLI = resolve(REPO_ROOT, 'packages/cli/dist/src/main.js');
if (!IN_NETNS) {
  testInNetns('dcmtk interop scenarios (in a loopback-only network namespace)', HERE, {
    skip: needCommand('storescp') || needCommand('unshare') || needTestdata() || needNetns(),
    timeoutMs: 230_000,
  });
} else {
  scenarios();
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): { status: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

function start(cmd: string, args: string[]): ChildProcess {
  const c = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  c.stderr?.on('data', () => undefined);
  return c;
}

const waitPort = (port: number) => sharedWaitPort(port, 100);
const stop = async (c: ChildProcess): Promise<void> => {
  await stopProcess(c);
};

/** One file per transfer syntax present in the test data (storage SOP classes, Part 10, dcmtk reads it). */
function filesPerTransferSyntax(): { path: string; ts: string; uid: string }[] {
  const seen = new Map<string, { path: string; ts: string; uid: string }>();
  const uids = new Set<string>();
  for (const r of dcmtkReadable()) {
    if (r.preamble_DICM !== 'Y' || seen.has(r.ts_uid!) || Number(r.size) > 4_000_000) continue;
    try {
      const info = readPart10Info(r.abs);
      if (
        uids.has(info.sopInstanceUid) ||
        info.transferSyntaxUid !== r.ts_uid ||
        !/Storage/.test(r.sop_class_name ?? '')
      )
        continue;
      // A File Meta without the SOP Class UID is refused by dcmsend: not for these scenarios.
      if (!readDicomFileSync(r.abs, { stopBeforePixelData: true }).meta.string(0x00020002)) continue;
      uids.add(info.sopInstanceUid);
      seen.set(r.ts_uid!, { path: r.abs, ts: r.ts_uid!, uid: info.sopInstanceUid });
    } catch {
      /* not usable for this scenario */
    }
  }
  return [...seen.values()];
}

/**
 * The data set as dcmdump prints it with every value in full (independent of our reader), without the File Meta
 * group and without what may legitimately change in transit: value lengths and the defined/undefined length form
 * of sequences and items.
 */
function dump(path: string): string[] {
  const r = spawnSync('dcmdump', ['-q', '+L', path], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0) return [`dcmdump failed: ${r.stderr}`];
  return (
    r.stdout
      .split('\n')
      // (FFFC,FFFC) Data Set Trailing Padding may be dropped by any implementation (PS3.10 §7.2): dcmtk does.
      .filter((l) => !/^\s*\((0002,|fffc,fffc)/.test(l) && !/Delimitation|^#|^\s*$/.test(l))
      .map((l) =>
        l
          .replace(/#\s*(\d+|u\/l),/, '#')
          .replace(/(explicit|undefined) length/, 'length')
          .replace(/\s+/g, ' ')
          .replace(/^(\s*\([0-9a-f,]+\)) \?\? /, '$1 UN '),
      )
  );
}

/** Transfer syntaxes newer than dcmtk 3.6.7 (JPEG XL, HTJ2K, deflated image frames): dcmtk refuses them. */
const NEWER_THAN_DCMTK = [
  '1.2.840.10008.1.2.4.110',
  '1.2.840.10008.1.2.4.111',
  '1.2.840.10008.1.2.4.112',
  '1.2.840.10008.1.2.4.201',
  '1.2.840.10008.1.2.4.202',
  '1.2.840.10008.1.2.4.203',
  '1.2.840.10008.1.2.8.1',
];

/** The SOP Instance UIDs of a Q/R test folder whose files belong to one study. */
function instancesOfStudy(data: { dir: string; uids: string[] }, study: string): string[] {
  return data.uids.filter(
    (u) =>
      readDicomFileSync(join(data.dir, `${u}.dcm`), { stopBeforePixelData: true }).dataset.string(
        'StudyInstanceUID',
      ) === study,
  );
}

function filesIn(dir: string): string[] {
  return readdirSync(dir).map((f) => join(dir, f));
}

function scenarios(): void {
  const tmp = mkdtempSync(join(tmpdir(), 'dk-interop-'));
  const files = filesPerTransferSyntax();

  test('echoscu → our receive; wrong called AE is rejected (called-AE-not-recognized)', async () => {
    const out = join(tmp, 'echo');
    const ours = start(process.execPath, [
      CLI,
      'receive',
      '--listen',
      '12001',
      '--aet',
      'OURSCP',
      '--out',
      out,
    ]);
    try {
      await waitPort(12001);
      assert.equal(run('echoscu', ['-aec', 'OURSCP', '127.0.0.1', '12001']).status, 0);
      const bad = run('echoscu', ['-aec', 'WRONGAE', '127.0.0.1', '12001']);
      assert.notEqual(bad.status, 0);
      assert.match(bad.out, /Called AE Title Not Recognized/i);
      assert.equal(run('echoscu', ['-aec', 'OURSCP', '127.0.0.1', '12001']).status, 0, 'still serving');
    } finally {
      await stop(ours);
    }
    assert.deepEqual(readdirSync(out), []);
  });

  test('our echo → storescp', async () => {
    const scp = start('storescp', ['-aet', 'STORESCP', '-od', tmp, '12002']);
    try {
      await waitPort(12002);
      const r = run(process.execPath, [CLI, 'echo', 'STORESCP@127.0.0.1:12002']);
      assert.equal(r.status, 0, r.out);
      assert.match(r.out, /success/);
    } finally {
      await stop(scp);
    }
  });

  test(`dcmsend → our receive, every transfer syntax in the test data: received data sets equal the sent ones`, async () => {
    const out = join(tmp, 'recv');
    const known = files.filter((f) => !NEWER_THAN_DCMTK.includes(f.ts));
    const ours = start(process.execPath, [
      CLI,
      'receive',
      '--listen',
      '12003',
      '--aet',
      'OURSCP',
      '--out',
      out,
    ]);
    try {
      await waitPort(12003);
      const r = run('dcmsend', ['-aec', 'OURSCP', '127.0.0.1', '12003', ...known.map((f) => f.path)]);
      assert.equal(r.status, 0, r.out);
    } finally {
      await stop(ours);
    }
    const got = filesIn(out);
    assert.equal(got.length, known.length, `${got.length} of ${known.length} files received`);
    for (const f of known) {
      const p = join(out, `${f.uid}.dcm`);
      assert.ok(existsSync(p), `${f.ts}: ${p}`);
      const ts = readDicomFileSync(p, { stopBeforePixelData: true }).transferSyntax;
      if (ts.encapsulated || f.ts.startsWith('1.2.840.10008.1.2.4') || f.ts === '1.2.840.10008.1.2.5')
        assert.equal(ts.uid, f.ts, `${f.path} kept its transfer syntax`);
      assert.deepEqual(dump(p), dump(f.path), `${f.path} (${f.ts})`);
    }
    console.log(
      `# ${known.length} transfer syntaxes received from dcmsend: ${known.map((f) => f.ts).join(' ')}`,
    );
  });

  test('storescu (uncompressed proposals) → our receive: compressed files fail on their side, uncompressed arrive intact', async () => {
    const out = join(tmp, 'recv2');
    const ours = start(process.execPath, [
      CLI,
      'receive',
      '--listen',
      '12004',
      '--aet',
      'OURSCP',
      '--out',
      out,
    ]);
    // storescu proposes a fixed list of SOP classes without the retired ones.
    const native = files.filter(
      (f) =>
        ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2'].includes(f.ts) &&
        !lookupUid(readPart10Info(f.path).sopClassUid)?.retired,
    );
    try {
      await waitPort(12004);
      const r = run(
        'storescu',
        ['-nh', '-aec', 'OURSCP', '127.0.0.1', '12004', ...native.map((f) => f.path)],
        { TCP_NODELAY: '1' },
      );
      assert.equal(r.status, 0, r.out);
    } finally {
      await stop(ours);
    }
    for (const f of native) assert.deepEqual(dump(join(out, `${f.uid}.dcm`)), dump(f.path), f.path);
  });

  test('our send → storescp +xa, every transfer syntax: equal data sets; ones dcmtk 3.6.7 does not know fail cleanly', async () => {
    const out = join(tmp, 'storescp');
    spawnSync('mkdir', ['-p', out]);
    const scp = start('storescp', ['+xa', '-aet', 'STORESCP', '-od', out, '12005']);
    let r;
    try {
      await waitPort(12005);
      r = run(process.execPath, [
        CLI,
        'send',
        ...files.map((f) => f.path),
        '--to',
        'STORESCP@127.0.0.1:12005',
      ]);
    } finally {
      await stop(scp);
    }
    const received = new Map<string, string>();
    for (const p of filesIn(out))
      received.set(readDicomFileSync(p, { stopBeforePixelData: true }).dataset.string('SOPInstanceUID')!, p);
    const failed = files.filter((f) => !received.has(f.uid));
    for (const f of files) {
      const p = received.get(f.uid);
      if (p) assert.deepEqual(dump(p), dump(f.path), `${f.path} (${f.ts})`);
    }
    // Only transfer syntaxes newer than dcmtk 3.6.7 may be refused, and then our summary says so and exits 1.
    // A file may fail only because storescp refused its transfer syntax (JPEG XL, HTJ2K… and, in 3.6.7's +xa
    // list, JPEG Lossless Process 14), and our summary must say so for that file.
    for (const f of failed) {
      assert.ok(
        r.out.split('\n').some((l) => l.startsWith(f.path) && /did not accept|accepted .* only in/.test(l)),
        `${f.path} (${f.ts}) failed without the reason`,
      );
    }
    assert.ok(failed.length <= 4, `${failed.length} transfer syntaxes failed`);
    assert.equal(r.status, failed.length ? 1 : 0, r.out);
    assert.match(r.out, new RegExp(`sent ${files.length - failed.length}, failed ${failed.length}`));
    console.log(
      `# storescp stored ${files.length - failed.length} of ${files.length} transfer syntaxes; refused: ${failed.map((f) => f.ts).join(' ')}`,
    );
  });

  test('misbehaving storescp: --refuse, --abort-during → non-zero exit with the reason', async () => {
    const f = files.find((x) => x.ts === '1.2.840.10008.1.2.1')!;
    for (const [flag, port, expect] of [
      ['--refuse', '12006', /ASSOCIATION_REJECTED/],
      ['--abort-during', '12007', /ASSOCIATION_ABORTED|failed 1/],
    ] as const) {
      const scp = start('storescp', [flag, '-aet', 'STORESCP', '-od', tmp, port]);
      try {
        await waitPort(Number(port));
        const r = run(process.execPath, [CLI, 'send', f.path, '--to', `STORESCP@127.0.0.1:${port}`]);
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, expect);
      } finally {
        await stop(scp);
      }
    }
  });

  test('misbehaving storescp: --sleep-during longer than our DIMSE timeout → TIMEOUT, exit 1', async () => {
    const f = files.find((x) => x.ts === '1.2.840.10008.1.2.1')!;
    const scp = start('storescp', ['--sleep-during', '5', '-aet', 'STORESCP', '-od', tmp, '12008']);
    try {
      await waitPort(12008);
      const r = run(process.execPath, [
        CLI,
        'send',
        f.path,
        '--timeout',
        '1',
        '--to',
        'STORESCP@127.0.0.1:12008',
      ]);
      assert.equal(r.status, 1, r.out);
      assert.match(r.out, /TIMEOUT/);
    } finally {
      await stop(scp);
    }
  });

  /** A folder of uncompressed instances from the test data (one per transfer syntax): the Q/R data. */
  function qrFolder(name: string): { dir: string; uids: string[]; studies: string[] } {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    const chosen = files.filter((f) =>
      ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2'].includes(f.ts),
    );
    const studies = new Set<string>();
    for (const f of chosen) {
      copyFileSync(f.path, join(dir, `${f.uid}.dcm`));
      studies.add(
        readDicomFileSync(f.path, { stopBeforePixelData: true }).dataset.string('StudyInstanceUID')!,
      );
    }
    return { dir, uids: chosen.map((f) => f.uid), studies: [...studies] };
  }

  test('findscu, movescu, getscu → our qrscp (Study Root); unknown move destination → A801', async () => {
    const data = qrFolder('qr-ours');
    const moved = join(tmp, 'qr-moved');
    const got = join(tmp, 'qr-got');
    mkdirSync(moved);
    mkdirSync(got);
    const qr = start(process.execPath, [
      CLI,
      'qrscp',
      '--dir',
      data.dir,
      '--listen',
      '12010',
      '--aet',
      'QRSCP',
      '--peer',
      'STORESCP@127.0.0.1:12011',
    ]);
    const scp = start('storescp', ['-aet', 'STORESCP', '-od', moved, '12011']);
    try {
      await waitPort(12010);
      await waitPort(12011);
      const f = run('findscu', [
        '-S',
        '-aec',
        'QRSCP',
        '-k',
        'QueryRetrieveLevel=STUDY',
        '-k',
        'StudyInstanceUID',
        '-k',
        'PatientName',
        '127.0.0.1',
        '12010',
      ]);
      assert.equal(f.status, 0, f.out);
      const found = [...f.out.matchAll(/\(0020,000d\) UI \[([0-9.]+)\0?\]/g)].map((m) => m[1]);
      assert.deepEqual(found.sort(), [...data.studies].sort(), 'every study found once');
      const study = data.studies[0]!;
      const m = run(
        'movescu',
        [
          '-S',
          '-aet',
          'MOVESCU',
          '-aec',
          'QRSCP',
          '-aem',
          'STORESCP',
          '-k',
          'QueryRetrieveLevel=STUDY',
          '-k',
          `StudyInstanceUID=${study}`,
          '127.0.0.1',
          '12010',
        ],
        { TCP_NODELAY: '1' },
      );
      assert.equal(m.status, 0, m.out);
      const bad = run('movescu', [
        '-S',
        '-aet',
        'MOVESCU',
        '-aec',
        'QRSCP',
        '-aem',
        'NOSUCHAE',
        '-k',
        'QueryRetrieveLevel=STUDY',
        '-k',
        `StudyInstanceUID=${study}`,
        '127.0.0.1',
        '12010',
      ]);
      assert.match(bad.out, /MoveDestinationUnknown|a801/i);
      const g = run('getscu', [
        '-S',
        '-aec',
        'QRSCP',
        '-od',
        got,
        '-k',
        'QueryRetrieveLevel=STUDY',
        '-k',
        `StudyInstanceUID=${study}`,
        '127.0.0.1',
        '12010',
      ]);
      assert.equal(g.status, 0, g.out);
    } finally {
      await stop(qr);
      await stop(scp);
    }
    const inStudy = instancesOfStudy(data, data.studies[0]!);
    assert.equal(readdirSync(moved).length, inStudy.length, 'C-MOVE delivered the study');
    assert.equal(readdirSync(got).length, inStudy.length, 'C-GET delivered the study');
    for (const p of filesIn(got)) {
      const uid = readDicomFileSync(p, { stopBeforePixelData: true }).dataset.string('SOPInstanceUID')!;
      assert.deepEqual(dump(p), dump(join(data.dir, `${uid}.dcm`)), p);
    }
  });

  test('our find, move, get → dcmqrscp (fork mode), filled by our send', async () => {
    const db = join(tmp, 'dcmqr-db');
    const moved = join(tmp, 'dcmqr-moved');
    const got = join(tmp, 'dcmqr-got');
    for (const d of [db, moved, got]) mkdirSync(d, { recursive: true });
    const cfg = join(tmp, 'dcmqrscp.cfg');
    writeFileSync(
      cfg,
      [
        'NetworkTCPPort = 12012',
        'MaxPDUSize = 16384',
        'MaxAssociations = 16',
        'HostTable BEGIN',
        'ourrecv = (OURRECV, 127.0.0.1, 12013)',
        'oursend = (DICOMKIT, 127.0.0.1, 12014)',
        'HostTable END',
        'VendorTable BEGIN',
        'VendorTable END',
        'AETable BEGIN',
        `QRSCP ${db} RW (100, 1024mb) ANY`,
        'AETable END',
        '',
      ].join('\n'),
    );
    const data = qrFolder('qr-src');
    const qr = start('dcmqrscp', ['-c', cfg]);
    const recv = start(process.execPath, [
      CLI,
      'receive',
      '--listen',
      '12013',
      '--aet',
      'OURRECV',
      '--out',
      moved,
    ]);
    try {
      await waitPort(12012);
      await waitPort(12013);
      const s = run(process.execPath, [CLI, 'send', data.dir, '--to', 'QRSCP@127.0.0.1:12012']);
      assert.equal(s.status, 0, s.out);
      const f = run(process.execPath, [
        CLI,
        'find',
        'QRSCP@127.0.0.1:12012',
        '-k',
        'StudyInstanceUID',
        '-k',
        'PatientName',
        '--json',
      ]);
      assert.equal(f.status, 0, f.out);
      const studies = (
        JSON.parse(f.out.slice(0, f.out.lastIndexOf(']') + 1)) as Record<string, { Value?: string[] }>[]
      ).map((m) => m['0020000D']?.Value?.[0]);
      assert.deepEqual(studies.sort(), [...data.studies].sort());
      const study = data.studies[0]!;
      const m = run(process.execPath, [
        CLI,
        'move',
        'QRSCP@127.0.0.1:12012',
        '--dest',
        'OURRECV',
        '-k',
        `StudyInstanceUID=${study}`,
      ]);
      assert.equal(m.status, 0, m.out);
      const g = run(process.execPath, [
        CLI,
        'get',
        'QRSCP@127.0.0.1:12012',
        '--out',
        got,
        '-k',
        `StudyInstanceUID=${study}`,
      ]);
      assert.equal(g.status, 0, g.out);
      const bad = run(process.execPath, [
        CLI,
        'move',
        'QRSCP@127.0.0.1:12012',
        '--dest',
        'NOSUCHAE',
        '-k',
        `StudyInstanceUID=${study}`,
      ]);
      assert.equal(bad.status, 1);
      assert.match(bad.out, /a801/i);
    } finally {
      await stop(qr);
      await stop(recv);
    }
    const inStudy = instancesOfStudy(data, data.studies[0]!);
    assert.deepEqual(readdirSync(moved).sort(), inStudy.map((u) => `${u}.dcm`).sort());
    assert.deepEqual(readdirSync(got).sort(), inStudy.map((u) => `${u}.dcm`).sort());
    for (const u of inStudy) assert.deepEqual(dump(join(got, `${u}.dcm`)), dump(join(data.dir, `${u}.dcm`)));
  });

  test('TLS both ways: our echo/send → storescp +tls; echoscu/storescu +tls → our receive --tls; a plain client is refused', async () => {
    const key = join(tmp, 'key.pem');
    const cert = join(tmp, 'cert.pem');
    const ssl = run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ]);
    assert.equal(ssl.status, 0, ssl.out);
    // storescu proposes no retired SOP classes: a current one.
    const f = files.find(
      (x) =>
        ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2', '1.2.840.10008.1.2.2'].includes(x.ts) &&
        !lookupUid(readPart10Info(x.path).sopClassUid)?.retired,
    )!;
    const tlsArgs = ['--tls', '--tls-key', key, '--tls-cert', cert, '--tls-ca', cert];
    const out1 = join(tmp, 'tls-dcmtk');
    mkdirSync(out1);
    const scp = start('storescp', [
      '+tls',
      key,
      cert,
      '-pw',
      '+cf',
      cert,
      '-aet',
      'TLSSCP',
      '-od',
      out1,
      '12030',
    ]);
    try {
      await waitPort(12030);
      const e = run(process.execPath, [CLI, 'echo', 'TLSSCP@127.0.0.1:12030', ...tlsArgs]);
      assert.equal(e.status, 0, e.out);
      const s = run(process.execPath, [CLI, 'send', f.path, '--to', 'TLSSCP@127.0.0.1:12030', ...tlsArgs]);
      assert.equal(s.status, 0, s.out);
    } finally {
      await stop(scp);
    }
    assert.equal(readdirSync(out1).length, 1);
    const out2 = join(tmp, 'tls-ours');
    const ours = start(process.execPath, [
      CLI,
      'receive',
      '--listen',
      '12031',
      '--aet',
      'TLSSCP',
      '--out',
      out2,
      ...tlsArgs,
    ]);
    try {
      await waitPort(12031);
      assert.equal(
        run('echoscu', ['+tls', key, cert, '-pw', '+cf', cert, '-aec', 'TLSSCP', '127.0.0.1', '12031'])
          .status,
        0,
      );
      const s = run('storescu', [
        '+tls',
        key,
        cert,
        '-pw',
        '+cf',
        cert,
        '-aec',
        'TLSSCP',
        '127.0.0.1',
        '12031',
        f.path,
      ]);
      assert.equal(s.status, 0, s.out);
      assert.notEqual(
        run('echoscu', ['-aec', 'TLSSCP', '127.0.0.1', '12031']).status,
        0,
        'plain TCP to a TLS port fails',
      );
    } finally {
      await stop(ours);
    }
    assert.deepEqual(dump(join(out2, `${f.uid}.dcm`)), dump(f.path));
  });

  test('cleanup', () => {
    rmSync(tmp, { recursive: true, force: true });
    assert.ok(!existsSync(tmp) || statSync(tmp).isDirectory());
  });
}
