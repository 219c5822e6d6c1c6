/**
 * Storage SCP behaviour: safe file names from hostile UIDs, the handler's status decides whether a file is
 * kept, association limits and idle timeouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildFileMeta,
  concatChunks,
  Dataset,
  ExplicitVRLittleEndian,
  parseDicom,
  transferSyntaxOrDefault,
  writeDatasetChunks,
} from '@dicomkit/core';
import {
  Association,
  CommandField,
  decodeCommand,
  DicomServer,
  encodeCommand,
  encodePdu,
  part10Header,
  safeFileName,
  ServiceRegistry,
  StorageScp,
  verificationScp,
} from '../src/index.js';
import { RawPeer, rq } from './raw-peer.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';

test('safeFileName: only well-formed UIDs become file names', () => {
  assert.equal(safeFileName('1.2.840.113619.2.55'), '1.2.840.113619.2.55');
  for (const evil of [
    '../../etc/passwd',
    '..',
    '.',
    '1.2/../../x',
    '1.2\\..\\x',
    '',
    'a'.repeat(65),
    '1..2',
    '/abs',
    '1.2.3\0',
  ]) {
    const n = safeFileName(evil);
    assert.match(n, /^invalid-uid-[0-9a-f]{32}$/, JSON.stringify(evil));
  }
  assert.notEqual(safeFileName('../a'), safeFileName('../b'));
});

test('part10Header: byte for byte the File Meta that buildFileMeta writes, odd and even lengths, with and without source AE', () => {
  const viaDataset = (cls: string, inst: string, ts: string, ae?: string): Uint8Array => {
    const old = new Dataset();
    old.set(0x00020002, 'UI', cls);
    old.set(0x00020003, 'UI', inst);
    if (ae) old.set(0x00020016, 'AE', ae);
    const meta = buildFileMeta(new Dataset(), transferSyntaxOrDefault(ts), old);
    const head = new Uint8Array(132);
    head.set([0x44, 0x49, 0x43, 0x4d], 128);
    return concatChunks([head, ...writeDatasetChunks(meta, ExplicitVRLittleEndian)]);
  };
  const cases: [string, string, string, string | undefined][] = [
    [CT, '1.2.3.4', '1.2.840.10008.1.2.1', 'STORESCU'],
    [CT, '1.2.3.45', '1.2.840.10008.1.2', 'ODD'],
    [
      '1.2.840.10008.5.1.4.1.1.4',
      '1.2.826.0.1.3680043.8.498.12345678901234567890',
      '1.2.840.10008.1.2.4.80',
      undefined,
    ],
    [CT, '', '1.2.840.10008.1.2.1', 'A'],
  ];
  for (const [cls, inst, ts, ae] of cases) {
    const ours = part10Header(cls, inst, ts, ae);
    assert.deepEqual(Buffer.from(ours), Buffer.from(viaDataset(cls, inst, ts, ae)), `${inst} ${ts} ${ae}`);
    const parsed = parseDicom(ours);
    assert.equal(parsed.meta?.string(0x00020003) ?? '', inst);
    assert.equal(parsed.transferSyntax.uid, ts);
  }
});

async function withServer(
  opts: {
    decide?: (o: { sopInstanceUid: string }) => number;
    maxAssociations?: number;
    idleTimeoutMs?: number;
  },
  f: (port: number, dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dk-store-'));
  const server = new DicomServer({
    policy: { transferSyntaxesFor: () => ['1.2.840.10008.1.2.1'] },
    handler: new ServiceRegistry([
      verificationScp,
      new StorageScp({ directory: dir, ...(opts.decide ? { decide: opts.decide } : {}) }),
    ]),
    ...(opts.maxAssociations ? { maxAssociations: opts.maxAssociations } : {}),
    ...(opts.idleTimeoutMs ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
  });
  const { port } = await server.listen(0);
  try {
    await f(port, dir);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tiny data set in Explicit VR LE: SOP Class/Instance UID (odd lengths padded with NUL). */
function dataset(uid: string): Uint8Array {
  const el = (tag: [number, number], value: string): number[] => {
    const v = [...value].map((c) => c.charCodeAt(0));
    if (v.length % 2) v.push(0);
    return [
      tag[0] & 0xff,
      tag[0] >> 8,
      tag[1] & 0xff,
      tag[1] >> 8,
      0x55,
      0x49,
      v.length & 0xff,
      v.length >> 8,
      ...v,
    ];
  };
  return new Uint8Array([...el([0x0008, 0x0016], CT), ...el([0x0008, 0x0018], uid)]);
}

async function store(port: number, uid: string): Promise<number> {
  const a = await Association.connect({
    host: '127.0.0.1',
    port,
    callingAeTitle: 'SCU',
    calledAeTitle: 'SCP',
    contexts: [{ abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.1'] }],
  });
  const rsp = await a.requestResponse(
    1,
    {
      CommandField: CommandField.CStoreRq,
      AffectedSOPClassUID: CT,
      AffectedSOPInstanceUID: uid,
      Priority: 0,
      CommandDataSetType: 0,
    },
    dataset(uid),
  );
  await a.release();
  return rsp.command.Status ?? -1;
}

test('a C-STORE whose SOP Instance UID is a path is stored under a hashed name inside the folder', async () => {
  await withServer({}, async (port, dir) => {
    assert.equal(await store(port, '../../../tmp/evil'), 0);
    const names = readdirSync(dir);
    assert.equal(names.length, 1);
    assert.match(names[0]!, /^invalid-uid-[0-9a-f]{32}\.dcm$/);
    const f = parseDicom(new Uint8Array(readFileSync(join(dir, names[0]!))));
    assert.equal(f.meta.string('MediaStorageSOPInstanceUID'), '../../../tmp/evil');
    assert.equal(f.meta.string('TransferSyntaxUID'), '1.2.840.10008.1.2.1');
    assert.equal(f.dataset.string('SOPClassUID'), CT);
  });
});

test('PDUs, command sets and data sets split across socket reads survive the reused receive buffer', async () => {
  await withServer({}, async (port, dir) => {
    const peer = await RawPeer.connect(port);
    const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 30));
    // Each piece is written after a pause, so the SCP reads it on its own into the same receive buffer.
    const inPieces = async (bytes: Uint8Array, cuts: number[]): Promise<void> => {
      let at = 0;
      for (const c of [...cuts, bytes.length]) {
        peer.send(bytes.subarray(at, c));
        at = c;
        await pause();
      }
    };
    const associate = encodePdu(
      rq({
        presentationContexts: [{ id: 1, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.1'] }],
      }),
    );
    await inPieces(associate, [3, 40, associate.length - 5]);
    assert.equal(((await peer.next()) as { type: string }).type, 'A-ASSOCIATE-AC');
    for (const uid of ['1.2.3.4.5', '1.2.3.4.66']) {
      const command = encodeCommand({
        CommandField: CommandField.CStoreRq,
        MessageID: 7,
        AffectedSOPClassUID: CT,
        AffectedSOPInstanceUID: uid,
        Priority: 0,
        CommandDataSetType: 0,
      });
      const data = dataset(uid);
      const pdus = encodePdu({
        type: 'P-DATA-TF',
        pdvs: [{ presentationContextId: 1, command: true, last: true, data: command }],
      });
      const pdus2 = encodePdu({
        type: 'P-DATA-TF',
        pdvs: [{ presentationContextId: 1, command: false, last: true, data }],
      });
      // Cut inside the PDU header, the PDV header, the command set, and the data set.
      await inPieces(pdus, [4, 9, 30, pdus.length - 7]);
      await inPieces(pdus2, [2, 20, pdus2.length - 3]);
      const rsp = await peer.next();
      assert.equal(rsp === 'closed' ? rsp : rsp.type, 'P-DATA-TF');
      const got = rsp !== 'closed' && rsp.type === 'P-DATA-TF' ? rsp.pdvs[0]! : undefined;
      assert.ok(got?.command);
      assert.equal(decodeCommand(got.data).Status, 0, `C-STORE of ${uid}`);
    }
    peer.send({ type: 'A-RELEASE-RQ' });
    assert.equal(((await peer.next()) as { type: string }).type, 'A-RELEASE-RP');
    peer.end();
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ['1.2.3.4.5.dcm', '1.2.3.4.66.dcm']);
    const f = parseDicom(readFileSync(join(dir, '1.2.3.4.66.dcm')));
    assert.equal(f.dataset.string(0x00080018), '1.2.3.4.66');
  });
});

test('temporary files kept ready for the next C-STORE are removed when the association is aborted', async () => {
  await withServer({}, async (port, dir) => {
    const a = await Association.connect({
      host: '127.0.0.1',
      port,
      callingAeTitle: 'SCU',
      calledAeTitle: 'SCP',
      contexts: [{ abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.1'] }],
    });
    const rsp = await a.requestResponse(
      1,
      {
        CommandField: CommandField.CStoreRq,
        AffectedSOPClassUID: CT,
        AffectedSOPInstanceUID: '1.2.3.9',
        Priority: 0,
        CommandDataSetType: 0,
      },
      dataset('1.2.3.9'),
    );
    assert.equal(rsp.command.Status, 0);
    const spares = (): string[] =>
      readdirSync(dir).filter((n) => n.startsWith('.dicomkit-') && n.endsWith('.part'));
    for (let i = 0; i < 50 && spares().length < 4; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(spares().length, 4, 'four temporary files created ahead');
    a.abort();
    await a.closed;
    let names = readdirSync(dir);
    for (let i = 0; i < 50 && names.length > 1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      names = readdirSync(dir);
    }
    assert.deepEqual(names, ['1.2.3.9.dcm']);
  });
});

test('the handler decides: a failure status is returned and no file is left', async () => {
  await withServer({ decide: (o) => (o.sopInstanceUid === '1.2.3' ? 0xa700 : 0) }, async (port, dir) => {
    assert.equal(await store(port, '1.2.3'), 0xa700);
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(await store(port, '1.2.4'), 0);
    assert.deepEqual(readdirSync(dir), ['1.2.4.dcm']);
  });
});

test('association limit: one more than allowed is rejected transient / local-limit-exceeded', async () => {
  await withServer({ maxAssociations: 1 }, async (port) => {
    const first = await RawPeer.connect(port);
    first.send(rq({ calledAeTitle: 'ANY' }));
    assert.equal(((await first.next()) as { type: string }).type, 'A-ASSOCIATE-AC');
    const second = await RawPeer.connect(port);
    second.send(rq({ calledAeTitle: 'ANY' }));
    const rj = await second.next();
    assert.ok(rj !== 'closed' && rj.type === 'A-ASSOCIATE-RJ');
    assert.deepEqual([rj.result, rj.source, rj.reason], [2, 3, 2]);
    second.end();
    first.send({ type: 'A-RELEASE-RQ' });
    assert.deepEqual(await first.next(), { type: 'A-RELEASE-RP' });
    first.end();
  });
});

test('idle timeout: an association that goes quiet is aborted and closed', async () => {
  await withServer({ idleTimeoutMs: 300 }, async (port) => {
    const p = await RawPeer.connect(port);
    p.send(rq({ calledAeTitle: 'ANY' }));
    assert.equal(((await p.next()) as { type: string }).type, 'A-ASSOCIATE-AC');
    const abort = await p.next(3000);
    assert.ok(abort !== 'closed' && abort.type === 'A-ABORT');
    p.end();
  });
});

test('200 half-open connections that never speak do not stop the SCP; ARTIM closes them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dk-halfopen-'));
  const server = new DicomServer({
    policy: { transferSyntaxesFor: () => ['1.2.840.10008.1.2'] },
    handler: new ServiceRegistry([verificationScp]),
    artimMs: 500,
  });
  const { port } = await server.listen(0);
  try {
    const idle = await Promise.all(Array.from({ length: 200 }, () => RawPeer.connect(port)));
    const a = await Association.connect({
      host: '127.0.0.1',
      port,
      callingAeTitle: 'SCU',
      calledAeTitle: 'ANY',
      contexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }],
    });
    await a.release();
    const closed = await Promise.all(idle.map((p) => p.next(5000)));
    assert.ok(closed.every((c) => c === 'closed'));
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
