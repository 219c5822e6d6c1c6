import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDicomError } from '@dicomkit/core';
import {
  Association,
  CommandField,
  commandName,
  decodeCommand,
  describeStatus,
  encodeCommand,
  encodePdu,
  statusCategory,
  type AAssociateAc,
  type Command,
  type Pdu,
} from '../src/index.js';
import { rawServer } from './raw-peer.js';

function hex(s: string): Uint8Array {
  const clean = s.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  return new Uint8Array(clean.match(/../g)!.map((h) => parseInt(h, 16)));
}

// C-ECHO-RQ, message ID 7: Implicit VR LE, group length first (PS3.7 §9.3.5).
const ECHO_RQ = hex(`
  0000 0000 04000000 38000000                 # (0000,0000) UL length 4: 56 bytes follow
  0000 0200 12000000 ${[...'1.2.840.10008.1.1\0'].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('')}  # (0000,0002) UI Verification, NUL-padded to 18
  0000 0001 02000000 3000                     # (0000,0100) US CommandField 0x0030 C-ECHO-RQ
  0000 1001 02000000 0700                     # (0000,0110) US MessageID 7
  0000 0008 02000000 0101                     # (0000,0800) US CommandDataSetType 0x0101: no data set
`);

test('command set: C-ECHO-RQ golden bytes, both ways', () => {
  const cmd: Command = {
    CommandField: CommandField.CEchoRq,
    MessageID: 7,
    AffectedSOPClassUID: '1.2.840.10008.1.1',
    CommandDataSetType: 0x0101,
  };
  assert.deepEqual(encodeCommand(cmd), ECHO_RQ);
  assert.deepEqual(decodeCommand(ECHO_RQ.subarray(12)), cmd);
  assert.deepEqual(decodeCommand(ECHO_RQ), cmd, 'with its group length too');
});

test('command sets of every DIMSE-C and DIMSE-N message round-trip', () => {
  const all: Command[] = [
    {
      CommandField: CommandField.CStoreRq,
      MessageID: 1,
      AffectedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      AffectedSOPInstanceUID: '1.2.3',
      Priority: 0,
      CommandDataSetType: 0,
      MoveOriginatorApplicationEntityTitle: 'MOVER',
      MoveOriginatorMessageID: 9,
    },
    {
      CommandField: CommandField.CStoreRsp,
      MessageIDBeingRespondedTo: 1,
      AffectedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
      AffectedSOPInstanceUID: '1.2.3',
      Status: 0xb000,
      CommandDataSetType: 0x0101,
      OffendingElement: [0x00100010],
      ErrorComment: 'coerced',
    },
    {
      CommandField: CommandField.CFindRq,
      MessageID: 2,
      AffectedSOPClassUID: '1.2.840.10008.5.1.4.1.2.2.1',
      Priority: 2,
      CommandDataSetType: 0,
    },
    {
      CommandField: CommandField.CMoveRq,
      MessageID: 3,
      AffectedSOPClassUID: '1.2.840.10008.5.1.4.1.2.2.2',
      Priority: 0,
      MoveDestination: 'DEST',
      CommandDataSetType: 0,
    },
    {
      CommandField: CommandField.CMoveRsp,
      MessageIDBeingRespondedTo: 3,
      Status: 0xff00,
      NumberOfRemainingSuboperations: 5,
      NumberOfCompletedSuboperations: 2,
      NumberOfFailedSuboperations: 1,
      NumberOfWarningSuboperations: 0,
      CommandDataSetType: 0x0101,
    },
    {
      CommandField: CommandField.CGetRq,
      MessageID: 4,
      AffectedSOPClassUID: '1.2.840.10008.5.1.4.1.2.1.3',
      Priority: 0,
      CommandDataSetType: 0,
    },
    { CommandField: CommandField.CCancelRq, MessageIDBeingRespondedTo: 2, CommandDataSetType: 0x0101 },
    {
      CommandField: CommandField.NEventReportRq,
      MessageID: 5,
      AffectedSOPClassUID: '1.2.840.10008.1.20.1',
      AffectedSOPInstanceUID: '1.2.840.10008.1.20.1.1',
      EventTypeID: 1,
      CommandDataSetType: 0,
    },
    {
      CommandField: CommandField.NGetRq,
      MessageID: 6,
      RequestedSOPClassUID: '1.2.3',
      RequestedSOPInstanceUID: '1.2.3.4',
      AttributeIdentifierList: [0x00100010, 0x00100020],
      CommandDataSetType: 0x0101,
    },
    {
      CommandField: CommandField.NSetRq,
      MessageID: 7,
      RequestedSOPClassUID: '1.2.3',
      RequestedSOPInstanceUID: '1.2.3.4',
      CommandDataSetType: 0,
    },
    {
      CommandField: CommandField.NActionRq,
      MessageID: 8,
      RequestedSOPClassUID: '1.2.840.10008.1.20.1',
      RequestedSOPInstanceUID: '1.2.840.10008.1.20.1.1',
      ActionTypeID: 1,
      CommandDataSetType: 0,
    },
    {
      CommandField: CommandField.NActionRsp,
      MessageIDBeingRespondedTo: 8,
      AffectedSOPClassUID: '1.2.840.10008.1.20.1',
      Status: 0,
      ActionTypeID: 1,
      CommandDataSetType: 0x0101,
      ErrorID: 3,
    },
    {
      CommandField: CommandField.NCreateRq,
      MessageID: 9,
      AffectedSOPClassUID: '1.2.3',
      CommandDataSetType: 0,
    },
    {
      CommandField: CommandField.NDeleteRq,
      MessageID: 10,
      RequestedSOPClassUID: '1.2.3',
      RequestedSOPInstanceUID: '1.2.3.4',
      CommandDataSetType: 0x0101,
    },
  ];
  for (const c of all) assert.deepEqual(decodeCommand(encodeCommand(c)), c, commandName(c));
  assert.equal(commandName(CommandField.NEventReportRsp), 'N-EVENT-REPORT-RSP');
  assert.throws(
    () => decodeCommand(new Uint8Array([0, 0, 0, 1, 2, 0, 0, 0, 5, 0])),
    (e) => isDicomError(e, 'DIMSE_ERROR'),
  );
});

test('status codes: categories and descriptions (PS3.7 Annex C)', () => {
  assert.equal(statusCategory(0x0000), 'success');
  assert.equal(statusCategory(0xff00), 'pending');
  assert.equal(statusCategory(0xff01), 'pending');
  assert.equal(statusCategory(0xfe00), 'cancel');
  assert.equal(statusCategory(0xb000), 'warning');
  assert.equal(statusCategory(0x0107), 'warning');
  assert.equal(statusCategory(0xa801), 'failure');
  assert.equal(statusCategory(0xc123), 'failure');
  assert.match(describeStatus(0xa801), /0xA801 .*move destination unknown/);
  assert.match(describeStatus(0xc123), /unable to process/);
});

test("fragmentation: every P-DATA-TF we send fits the peer's maximum length, the data set arrives whole", async () => {
  const pdus: Pdu[] = [];
  const sizes: number[] = [];
  let received = new Uint8Array(0);
  const { server, port } = await rawServer(async (p) => {
    const rq = await p.next();
    if (rq === 'closed' || rq.type !== 'A-ASSOCIATE-RQ') return;
    const ac: AAssociateAc = {
      ...rq,
      type: 'A-ASSOCIATE-AC',
      presentationContexts: [{ id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2.1' }],
      userInformation: { maxLength: 4096 },
    };
    p.send(ac);
    // Raw bytes of each P-DATA-TF: the framer hands whole PDUs; record their lengths.
    for (;;) {
      const pdu = await p.next();
      if (pdu === 'closed') return;
      pdus.push(pdu);
      if (pdu.type === 'P-DATA-TF') {
        sizes.push(encodePdu(pdu).length - 6);
        for (const v of pdu.pdvs) if (!v.command) received = Uint8Array.from([...received, ...v.data]);
        const last = pdu.pdvs[pdu.pdvs.length - 1]!;
        if (!last.command && last.last)
          p.send({
            type: 'P-DATA-TF',
            pdvs: [
              {
                presentationContextId: 1,
                command: true,
                last: true,
                data: encodeCommand({
                  CommandField: CommandField.CStoreRsp,
                  MessageIDBeingRespondedTo: 1,
                  Status: 0,
                  CommandDataSetType: 0x0101,
                }),
              },
            ],
          });
      }
      if (pdu.type === 'A-RELEASE-RQ') p.send({ type: 'A-RELEASE-RP' });
    }
  });
  try {
    const a = await Association.connect({
      host: '127.0.0.1',
      port,
      callingAeTitle: 'SCU',
      calledAeTitle: 'RAW',
      contexts: [{ abstractSyntax: '1.2.840.10008.5.1.4.1.1.2', transferSyntaxes: ['1.2.840.10008.1.2.1'] }],
    });
    assert.equal(a.peerMaxPduLength, 4096);
    const data = new Uint8Array(50_000).map((_, i) => i & 0xff);
    const rsp = await a.requestResponse(
      1,
      {
        CommandField: CommandField.CStoreRq,
        MessageID: 1,
        AffectedSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
        AffectedSOPInstanceUID: '1.2.3',
        Priority: 0,
        CommandDataSetType: 0,
      },
      [data.subarray(0, 7), data.subarray(7, 30_000), data.subarray(30_000)],
    );
    assert.equal(rsp.command.Status, 0);
    await a.release();
    assert.ok(sizes.length >= 13, `${sizes.length} PDUs`);
    assert.ok(Math.max(...sizes) <= 4096, `largest PDU ${Math.max(...sizes)}`);
    assert.deepEqual(received, data);
  } finally {
    server.close();
  }
});

test('DIMSE-N: Storage Commitment shape — N-ACTION from the SCU, then N-EVENT-REPORT from the SCP on the same association', async () => {
  const { DicomServer, ServiceRegistry, NormalizedScp, nRequest } = await import('../src/index.js');
  const { Dataset } = await import('@dicomkit/core');
  const COMMIT = '1.2.840.10008.1.20.1';
  const INSTANCE = '1.2.840.10008.1.20.1.1';
  const events: number[] = [];
  const server = new DicomServer({
    policy: { transferSyntaxesFor: (a) => (a === COMMIT ? ['1.2.840.10008.1.2.1'] : undefined) },
    handler: new ServiceRegistry([
      new NormalizedScp(async ({ op, command, dataset, association }) => {
        assert.equal(op, 'N-ACTION');
        assert.equal(command.ActionTypeID, 1);
        const uid = dataset!.string('TransactionUID')!;
        // Report the result on the same association once the N-ACTION response has gone (PS3.4 §J.3.3).
        setImmediate(() => {
          const report = new Dataset();
          report.set('TransactionUID', undefined, uid);
          void nRequest(association, 'N-EVENT-REPORT', {
            sopClassUid: COMMIT,
            sopInstanceUid: INSTANCE,
            typeId: 1,
            dataset: report,
          });
        });
        return { status: 0 };
      }),
    ]),
  });
  const { port } = await server.listen(0);
  try {
    const a = await Association.connect({
      host: '127.0.0.1',
      port,
      callingAeTitle: 'SCU',
      calledAeTitle: 'SCP',
      contexts: [{ abstractSyntax: COMMIT, transferSyntaxes: ['1.2.840.10008.1.2.1'] }],
      roleSelections: [{ sopClassUid: COMMIT, scuRole: true, scpRole: true }],
    });
    const got = new Promise<string>((resolve) => {
      a.handler = new ServiceRegistry([
        new NormalizedScp(({ op, command, dataset }) => {
          assert.equal(op, 'N-EVENT-REPORT');
          events.push(command.EventTypeID!);
          resolve(dataset!.string('TransactionUID')!);
          return { status: 0 };
        }),
      ]);
    });
    const action = new Dataset();
    action.set('TransactionUID', undefined, '1.2.3.4.5');
    const r = await nRequest(a, 'N-ACTION', {
      sopClassUid: COMMIT,
      sopInstanceUid: INSTANCE,
      typeId: 1,
      dataset: action,
    });
    assert.equal(r.status, 0);
    assert.equal(r.command.ActionTypeID, 1);
    assert.equal(await got, '1.2.3.4.5');
    assert.deepEqual(events, [1]);
    await new Promise((res) => setTimeout(res, 20));
    await a.release();
  } finally {
    await server.close();
  }
});
