/**
 * The state machine's important cells driven over real sockets by a scripted raw peer: the acceptor side
 * (our DicomServer) and the requestor side (Association.connect against a raw server).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDicomError } from '@dicomkit/core';
import {
  allStorageSopClasses,
  Association,
  CommandField,
  DicomServer,
  echo,
  decodeCommand,
  encodeCommand,
  ServiceRegistry,
  StorageScp,
  verificationScp,
  type AAssociateAc,
  type Pdu,
} from '../src/index.js';
import { RawPeer, rawServer, rq } from './raw-peer.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
let dir: string;
let server: DicomServer;
let port: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dk-fsm-'));
  const storage = new Set(allStorageSopClasses());
  server = new DicomServer({
    policy: {
      aeTitles: ['SCP'],
      transferSyntaxesFor: (a) =>
        a === '1.2.840.10008.1.1' || storage.has(a)
          ? ['1.2.840.10008.1.2.1', '1.2.840.10008.1.2']
          : undefined,
    },
    handler: new ServiceRegistry([verificationScp, new StorageScp({ directory: dir })]),
    artimMs: 300,
    maxPduLength: 16384,
  });
  port = (await server.listen(0)).port;
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function isAbort(p: Pdu | 'closed', source: number, reason: number): boolean {
  return p !== 'closed' && p.type === 'A-ABORT' && p.source === source && p.reason === reason;
}

/** After any test the SCP still serves a normal association. */
async function stillServes(): Promise<void> {
  const a = await Association.connect({
    host: '127.0.0.1',
    port,
    callingAeTitle: 'CHECK',
    calledAeTitle: 'SCP',
    contexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }],
  });
  assert.equal(await echo(a), 0);
  await a.release();
}

async function associated(): Promise<RawPeer> {
  const p = await RawPeer.connect(port);
  p.send(
    rq({
      presentationContexts: [
        { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
        { id: 3, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.1'] },
      ],
    }),
  );
  const ac = await p.next();
  assert.ok(ac !== 'closed' && ac.type === 'A-ASSOCIATE-AC');
  return p;
}

test('Sta2 + Evt10 (P-DATA before association) → AA-1: A-ABORT, then the connection closes (ARTIM)', async () => {
  const p = await RawPeer.connect(port);
  p.send({
    type: 'P-DATA-TF',
    pdvs: [{ presentationContextId: 1, command: true, last: true, data: new Uint8Array(4) }],
  });
  assert.ok(isAbort(await p.next(), 2, 2));
  assert.equal(await p.next(), 'closed');
  await stillServes();
});

test('Sta2 + Evt3 (A-ASSOCIATE-AC to an acceptor) → AA-1', async () => {
  const p = await RawPeer.connect(port);
  const ac: AAssociateAc = { ...rq(), type: 'A-ASSOCIATE-AC', presentationContexts: [] };
  p.send(ac);
  assert.ok(isAbort(await p.next(), 2, 2));
  p.end();
});

test('Sta2 + Evt19 (garbage: unknown PDU type) → AA-1 with reason unrecognized-PDU', async () => {
  const p = await RawPeer.connect(port);
  p.send(new Uint8Array([0x09, 0, 0, 0, 0, 4, 1, 2, 3, 4]));
  assert.ok(isAbort(await p.next(), 2, 1));
  assert.equal(await p.next(), 'closed');
  await stillServes();
});

test('Sta2 + Evt18 (no A-ASSOCIATE-RQ before ARTIM expires) → AA-2: the connection closes', async () => {
  const p = await RawPeer.connect(port);
  assert.equal(await p.next(2000), 'closed');
});

test('Sta2 + Evt19 (truncated PDU, then silence) → ARTIM closes the connection', async () => {
  const p = await RawPeer.connect(port);
  p.send(new Uint8Array([0x01, 0, 0, 0, 0, 100, 0, 1]));
  assert.equal(await p.next(2000), 'closed');
  await stillServes();
});

test('Sta2 + Evt6 → AE-6/AE-8: every A-ASSOCIATE-RJ reason', async () => {
  const cases: [Parameters<typeof rq>[0], [number, number, number]][] = [
    [{ calledAeTitle: 'WRONG' }, [1, 1, 7]],
    [{ applicationContext: '1.2.3.4' }, [1, 1, 2]],
    [{ protocolVersion: 2 }, [1, 2, 2]],
    [
      {
        presentationContexts: [
          { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
          { id: 1, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2'] },
        ],
      },
      [1, 1, 1],
    ],
    [
      {
        presentationContexts: Array.from({ length: 129 }, (_, i) => ({
          id: (2 * i + 1) % 256,
          abstractSyntax: CT,
          transferSyntaxes: ['1.2.840.10008.1.2'],
        })),
      },
      [2, 3, 2],
    ],
  ];
  for (const [over, [result, source, reason]] of cases) {
    const p = await RawPeer.connect(port);
    p.send(rq(over));
    const rj = await p.next();
    assert.ok(rj !== 'closed' && rj.type === 'A-ASSOCIATE-RJ', JSON.stringify(over).slice(0, 80));
    assert.deepEqual([rj.result, rj.source, rj.reason], [result, source, reason]);
    assert.equal(await p.next(2000), 'closed', 'Sta13: ARTIM closes');
  }
});

test('negotiation: even presentation-context ID is refused, unknown abstract syntax and transfer syntax answered 3 and 4', async () => {
  const p = await RawPeer.connect(port);
  p.send(
    rq({
      presentationContexts: [
        { id: 2, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
        { id: 3, abstractSyntax: '1.2.3.4.5', transferSyntaxes: ['1.2.840.10008.1.2'] },
        { id: 5, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.4.50'] },
        { id: 7, abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2'] },
      ],
    }),
  );
  const ac = await p.next();
  assert.ok(ac !== 'closed' && ac.type === 'A-ASSOCIATE-AC');
  assert.deepEqual(
    ac.presentationContexts.map((c) => [c.id, c.result, c.result === 0 ? c.transferSyntax : '']),
    [
      [2, 2, ''],
      [3, 3, ''],
      [5, 4, ''],
      [7, 0, '1.2.840.10008.1.2'],
    ],
  );
  assert.equal(ac.userInformation.maxLength, 16384);
  p.send({ type: 'A-RELEASE-RQ' });
  assert.deepEqual(await p.next(), { type: 'A-RELEASE-RP' });
  p.end();
});

test('Sta6 + Evt12 → AR-2/AR-4: A-RELEASE-RP, then the SCP waits for us to close', async () => {
  const p = await associated();
  p.send({ type: 'A-RELEASE-RQ' });
  assert.deepEqual(await p.next(), { type: 'A-RELEASE-RP' });
  p.end();
});

test('Sta8 + Evt9 → AR-7: a release requested before the C-STORE response still gets the response, then A-RELEASE-RP', async () => {
  const p = await associated();
  const cmd = encodeCommand({
    CommandField: CommandField.CStoreRq,
    MessageID: 5,
    AffectedSOPClassUID: CT,
    AffectedSOPInstanceUID: '1.2.3.5',
    Priority: 0,
    CommandDataSetType: 0,
  });
  p.send({ type: 'P-DATA-TF', pdvs: [{ presentationContextId: 3, command: true, last: true, data: cmd }] });
  p.send({
    type: 'P-DATA-TF',
    pdvs: [
      {
        presentationContextId: 3,
        command: false,
        last: true,
        data: new Uint8Array([
          0x08,
          0,
          0x18,
          0,
          0x55,
          0x49,
          8,
          0,
          ...[...'1.2.3.5\0'].map((c) => c.charCodeAt(0)),
        ]),
      },
    ],
  });
  p.send({ type: 'A-RELEASE-RQ' });
  const rsp = await p.next();
  assert.ok(rsp !== 'closed' && rsp.type === 'P-DATA-TF', JSON.stringify(rsp));
  assert.equal(decodeCommand(rsp.pdvs[0]!.data).Status, 0);
  assert.deepEqual(await p.next(), { type: 'A-RELEASE-RP' });
  p.end();
  rmSync(join(dir, '1.2.3.5.dcm'));
});

test('Sta6 + Evt6 (a second A-ASSOCIATE-RQ) → AA-8', async () => {
  const p = await associated();
  p.send(rq());
  assert.ok(isAbort(await p.next(), 2, 2));
  p.end();
  await stillServes();
});

test('Sta6 + Evt19 (P-DATA-TF longer than our maximum) → AA-8, refused from the header', async () => {
  const p = await associated();
  p.send(new Uint8Array([0x04, 0, 0x7f, 0xff, 0xff, 0xff]));
  assert.ok(isAbort(await p.next(), 2, 6));
  p.end();
  await stillServes();
});

test('Sta6: a PDV on a presentation context that was not accepted → A-ABORT', async () => {
  const p = await associated();
  p.send({
    type: 'P-DATA-TF',
    pdvs: [
      {
        presentationContextId: 9,
        command: true,
        last: true,
        data: encodeCommand({
          CommandField: CommandField.CEchoRq,
          MessageID: 1,
          AffectedSOPClassUID: '1.2.840.10008.1.1',
          CommandDataSetType: 0x0101,
        }),
      },
    ],
  });
  const a = await p.next();
  assert.ok(a !== 'closed' && a.type === 'A-ABORT');
  p.end();
});

test('Sta6 + Evt16 (A-ABORT from the peer) → AA-3; the SCP keeps serving others', async () => {
  const p = await associated();
  p.send({ type: 'A-ABORT', source: 0, reason: 0 });
  assert.equal(await p.next(), 'closed');
  await stillServes();
});

test('Sta6 + Evt17: a peer that disappears mid C-STORE leaves no file, no temporary file', async () => {
  const p = await associated();
  const cmd = encodeCommand({
    CommandField: CommandField.CStoreRq,
    MessageID: 1,
    AffectedSOPClassUID: CT,
    AffectedSOPInstanceUID: '1.2.3.4',
    Priority: 0,
    CommandDataSetType: 0,
  });
  p.send({ type: 'P-DATA-TF', pdvs: [{ presentationContextId: 3, command: true, last: true, data: cmd }] });
  p.send({
    type: 'P-DATA-TF',
    pdvs: [{ presentationContextId: 3, command: false, last: false, data: new Uint8Array(8000).fill(1) }],
  });
  await new Promise((r) => setTimeout(r, 100));
  p.end();
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(readdirSync(dir), []);
  await stillServes();
});

test('Sta6: a data set fragment before its command → A-ABORT, nothing stored', async () => {
  const p = await associated();
  p.send({
    type: 'P-DATA-TF',
    pdvs: [{ presentationContextId: 3, command: false, last: true, data: new Uint8Array(8) }],
  });
  const a = await p.next();
  assert.ok(a !== 'closed' && a.type === 'A-ABORT');
  p.end();
  assert.deepEqual(readdirSync(dir), []);
});

// ---- requestor side ------------------------------------------------------------------------------------------

async function requestorAgainst(script: (p: RawPeer) => void): Promise<unknown> {
  const { server: raw, port: rport } = await rawServer(async (p) => {
    await p.next();
    script(p);
  });
  try {
    await Association.connect({
      host: '127.0.0.1',
      port: rport,
      callingAeTitle: 'SCU',
      calledAeTitle: 'RAW',
      contexts: [{ abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] }],
      artimMs: 300,
    });
    return undefined;
  } catch (e) {
    return e;
  } finally {
    raw.close();
  }
}

test('Sta5 + Evt4 → AE-4: rejection reported with its reason', async () => {
  const e = await requestorAgainst((p) =>
    p.send({ type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 3 }),
  );
  assert.ok(isDicomError(e, 'ASSOCIATION_REJECTED'));
  assert.match(e.message, /calling-AE-title-not-recognized/);
});

test('Sta5 + Evt16 → AA-3: A-ABORT while awaiting the answer', async () => {
  const e = await requestorAgainst((p) => p.send({ type: 'A-ABORT', source: 2, reason: 0 }));
  assert.ok(isDicomError(e, 'ASSOCIATION_ABORTED'));
});

test('Sta5 + Evt19 → AA-8: garbage answer, we abort', async () => {
  let got: Pdu | 'closed' | undefined;
  const e = await requestorAgainst((p) => {
    p.send(new Uint8Array([0x02, 0, 0, 0, 0, 2, 0xff, 0xff]));
    void p.next().then((x) => (got = x));
  });
  assert.ok(isDicomError(e, 'ASSOCIATION_ABORTED'));
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(got && isAbort(got, 2, 6), JSON.stringify(got));
});

test('Sta5 + Evt17 → AA-4: the acceptor just closes', async () => {
  const e = await requestorAgainst((p) => p.end());
  assert.ok(isDicomError(e, 'ASSOCIATION_ABORTED'));
});
