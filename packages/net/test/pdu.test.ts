import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDicomError } from '@dicomkit/core';
import {
  decodePdu,
  encodePdu,
  PduFramer,
  PduStream,
  pdataHeader,
  type AAssociateRq,
  type Pdu,
} from '../src/index.js';

/** Hex with spaces, comments after '#' to the end of a line. */
function hex(s: string): Uint8Array {
  const clean = s.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  return new Uint8Array(clean.match(/../g)!.map((h) => parseInt(h, 16)));
}
function ascii(s: string): string {
  return [...s].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

// A-ASSOCIATE-RQ: ECHOSCU → ANY-SCP, one presentation context (Verification, Implicit VR LE), max length 16384,
// implementation class UID 1.2.3, version name DK, one role selection (Verification, SCU yes, SCP no).
const RQ_BYTES = hex(`
  01 00 000000c3            # PDU type 1, reserved, length 195
  0001 0000                 # protocol version 1, reserved
  ${ascii('ANY-SCP         ')} # called AE title (16, space padded)
  ${ascii('ECHOSCU         ')} # calling AE title
  ${'00'.repeat(32)}        # reserved
  10 00 0015 ${ascii('1.2.840.10008.3.1.1.1')}   # application context item (21 bytes)
  20 00 002e 01 00 00 00     # presentation context item, length 46, ID 1
    30 00 0011 ${ascii('1.2.840.10008.1.1')}     # abstract syntax: Verification (17 bytes)
    40 00 0011 ${ascii('1.2.840.10008.1.2')}     # transfer syntax: Implicit VR LE (17 bytes)
  50 00 0030                 # user information item, length 48
    51 00 0004 00004000      # maximum length 16384
    52 00 0005 ${ascii('1.2.3')}                 # implementation class UID
    54 00 0015 0011 ${ascii('1.2.840.10008.1.1')} 01 00  # role selection: Verification, SCU 1, SCP 0
    55 00 0002 ${ascii('DK')}                    # implementation version name
`);

const RQ: AAssociateRq = {
  type: 'A-ASSOCIATE-RQ',
  protocolVersion: 1,
  calledAeTitle: 'ANY-SCP',
  callingAeTitle: 'ECHOSCU',
  applicationContext: '1.2.840.10008.3.1.1.1',
  presentationContexts: [
    { id: 1, abstractSyntax: '1.2.840.10008.1.1', transferSyntaxes: ['1.2.840.10008.1.2'] },
  ],
  userInformation: {
    maxLength: 16384,
    implementationClassUid: '1.2.3',
    roleSelections: [{ sopClassUid: '1.2.840.10008.1.1', scuRole: true, scpRole: false }],
    implementationVersionName: 'DK',
  },
};

// P-DATA-TF with two PDVs: context 1, command, last, 4 bytes; context 3, data, not last, 2 bytes.
const PDATA_BYTES = hex(`
  04 00 00000012             # PDU type 4, length 18
  00000006 01 03 01020304    # PDV length 6, PC 1, MCH 0b11 (command, last), data
  00000004 03 00 0506        # PDV length 4, PC 3, MCH 0 (data, more follows), data
`);

const SMALL: [Pdu, Uint8Array][] = [
  [
    { type: 'A-ASSOCIATE-RJ', result: 1, source: 1, reason: 7 },
    hex('03 00 00000004 00 01 01 07  # RJ permanent, service user, called AE not recognized'),
  ],
  [{ type: 'A-RELEASE-RQ' }, hex('05 00 00000004 00000000')],
  [{ type: 'A-RELEASE-RP' }, hex('06 00 00000004 00000000')],
  [
    { type: 'A-ABORT', source: 2, reason: 2 },
    hex('07 00 00000004 00 00 02 02  # abort by provider: unexpected PDU'),
  ],
];

test('A-ASSOCIATE-RQ encodes to the golden bytes and decodes back', () => {
  assert.deepEqual(encodePdu(RQ), RQ_BYTES);
  assert.deepEqual(decodePdu(RQ_BYTES), RQ);
});

test('A-ASSOCIATE-AC with every user information sub-item round-trips', () => {
  const ac: Pdu = {
    type: 'A-ASSOCIATE-AC',
    protocolVersion: 1,
    calledAeTitle: 'SCP',
    callingAeTitle: 'SCU',
    applicationContext: '1.2.840.10008.3.1.1.1',
    presentationContexts: [
      { id: 1, result: 0, transferSyntax: '1.2.840.10008.1.2.1' },
      { id: 3, result: 3, transferSyntax: '' },
    ],
    userInformation: {
      maxLength: 0,
      implementationClassUid: '1.2.3.4',
      implementationVersionName: 'X',
      asyncOpsWindow: { maxInvoked: 5, maxPerformed: 1 },
      roleSelections: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', scuRole: false, scpRole: true }],
      sopClassExtended: [
        {
          sopClassUid: '1.2.840.10008.5.1.4.1.2.2.1',
          serviceClassApplicationInformation: new Uint8Array([1, 0, 1]),
        },
      ],
      sopClassCommonExtended: [
        {
          sopClassUid: '1.2.3',
          serviceClassUid: '1.2.840.10008.4.2',
          relatedGeneralSopClassUids: ['1.2.4', '1.2.5'],
        },
      ],
      userIdentityAc: new Uint8Array([9, 9]),
    },
  };
  assert.deepEqual(decodePdu(encodePdu(ac)), ac);
  const rq: Pdu = {
    ...RQ,
    userInformation: {
      userIdentityRq: {
        type: 2,
        positiveResponseRequested: true,
        primaryField: new Uint8Array([65]),
        secondaryField: new Uint8Array([66, 67]),
      },
    },
  };
  assert.deepEqual(decodePdu(encodePdu(rq)), rq);
});

test('P-DATA-TF golden bytes: PDVs decoded as views', () => {
  const p = decodePdu(PDATA_BYTES);
  assert.equal(p.type, 'P-DATA-TF');
  if (p.type !== 'P-DATA-TF') return;
  assert.equal(p.pdvs.length, 2);
  assert.deepEqual(
    { ...p.pdvs[0]!, data: [...p.pdvs[0]!.data] },
    { presentationContextId: 1, command: true, last: true, data: [1, 2, 3, 4] },
  );
  assert.deepEqual(
    { ...p.pdvs[1]!, data: [...p.pdvs[1]!.data] },
    { presentationContextId: 3, command: false, last: false, data: [5, 6] },
  );
  assert.equal(p.pdvs[0]!.data.buffer, PDATA_BYTES.buffer, 'no copy');
  assert.deepEqual(encodePdu(p), PDATA_BYTES);
  const h = pdataHeader(1, true, true, 4);
  assert.deepEqual(h, hex('04 00 0000000a  00000006 01 03  # PDU header for one PDV of 4 bytes, PDV header'));
});

test('RJ, release and abort PDUs: golden bytes both ways', () => {
  for (const [pdu, bytes] of SMALL) {
    assert.deepEqual(encodePdu(pdu), bytes);
    assert.deepEqual(decodePdu(bytes), pdu);
  }
});

test('framer: a stream of PDUs split at every byte boundary (and into single bytes) gives the same PDUs', () => {
  const all = [RQ_BYTES, PDATA_BYTES, ...SMALL.map((s) => s[1])];
  const stream = new Uint8Array(all.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of all) {
    stream.set(b, o);
    o += b.length;
  }
  const expect = all.map((b) => [...b]);
  for (let cut = 0; cut <= stream.length; cut++) {
    for (let cut2 = cut; cut2 <= stream.length; cut2 += 7) {
      const f = new PduFramer({ maxPDataLength: 16384 });
      const got = [
        ...f.push(stream.subarray(0, cut)),
        ...f.push(stream.subarray(cut, cut2)),
        ...f.push(stream.subarray(cut2)),
      ];
      assert.deepEqual(
        got.map((p) => [...p.bytes]),
        expect,
        `cut at ${cut}/${cut2}`,
      );
      assert.equal(f.pending, 0);
    }
  }
  const f = new PduFramer({ maxPDataLength: 16384 });
  const got = [];
  for (let i = 0; i < stream.length; i++) got.push(...f.push(stream.subarray(i, i + 1)));
  assert.deepEqual(
    got.map((p) => [...p.bytes]),
    expect,
  );
});

test('framer: oversized and unknown PDUs are refused from the header, before the body arrives', () => {
  const f = new PduFramer({ maxPDataLength: 16384 });
  // P-DATA-TF declaring 4 GiB - 1: refused with only the 6 header bytes given.
  assert.throws(
    () => f.push(hex('04 00 ffffffff')),
    (e) => isDicomError(e, 'PDU_INVALID') && /exceeds/.test(e.message),
  );
  assert.throws(
    () => new PduFramer({ maxPDataLength: 16384 }).push(hex('04 00 00004007')),
    (e) => isDicomError(e, 'PDU_INVALID'),
  );
  assert.throws(
    () => new PduFramer({ maxPDataLength: 16384 }).push(hex('01 00 7fffffff')),
    (e) => isDicomError(e, 'PDU_INVALID'),
  );
  assert.throws(
    () => new PduFramer({ maxPDataLength: 16384 }).push(hex('07 00 00010000')),
    (e) => isDicomError(e, 'PDU_INVALID'),
  );
  assert.throws(
    () => new PduFramer({ maxPDataLength: 16384 }).push(hex('09 00 00000004')),
    (e) => isDicomError(e, 'PDU_INVALID') && /unrecognized/.test(e.message),
  );
  assert.throws(
    () => new PduFramer({ maxPDataLength: 16384 }).push(hex('00')),
    (e) => isDicomError(e, 'PDU_INVALID'),
  );
  // Exactly at the limit is fine.
  assert.equal(new PduFramer({ maxPDataLength: 16384 }).push(hex('04 00 00004000')).length, 0);
});

test('decoder: truncated and inconsistent PDUs are PDU_INVALID with an offset, never a crash', () => {
  for (let n = 6; n < RQ_BYTES.length; n++) {
    const cut = RQ_BYTES.slice(0, n);
    new DataView(cut.buffer).setUint32(2, n - 6);
    assert.throws(
      () => decodePdu(cut),
      (e) => isDicomError(e, 'PDU_INVALID') && e.offset !== undefined,
      `cut at ${n}`,
    );
  }
  // PDV length that runs past the PDU.
  assert.throws(
    () => decodePdu(hex('04 00 0000000a 00000010 01 03 01020304')),
    (e) => isDicomError(e, 'PDU_INVALID'),
  );
  // PDV length below 2.
  assert.throws(
    () => decodePdu(hex('04 00 00000006 00000001 01 03')),
    (e) => isDicomError(e, 'PDU_INVALID'),
  );
  // Garbage bytes of every kind never escape as anything but PDU_INVALID.
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    const b = new Uint8Array(6 + (i % 200));
    for (let j = 0; j < b.length; j++) b[j] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    b[0] = 1 + (i % 7);
    new DataView(b.buffer).setUint32(2, b.length - 6);
    try {
      decodePdu(b);
    } catch (e) {
      assert.ok(isDicomError(e, 'PDU_INVALID'), String(e));
    }
  }
});

/** Runs a byte stream through PduStream in the given pieces; returns whole PDUs and reassembled PDVs in order. */
function streamed(pieces: Uint8Array[]): string[] {
  const s = new PduStream({ maxPDataLength: 16384 });
  const out: string[] = [];
  let cur: number[] = [];
  for (const p of pieces)
    s.feed(p, {
      pdu: (raw) => (out.push(`pdu ${[...raw.bytes].join(',')}`), true),
      pdataStart: (len) => (out.push(`pdata ${len}`), true),
      pdv: (piece) => {
        cur.push(...piece.data);
        if (piece.pdvEnd) {
          out.push(`pdv ${piece.presentationContextId} ${piece.command} ${piece.last} ${cur.join(',')}`);
          cur = [];
        } else assert.equal(piece.last, false, 'last only on the final piece');
        return true;
      },
    });
  return out;
}

test('PduStream: P-DATA-TF PDVs streamed as views, split at every byte boundary, same as decoding whole PDUs', () => {
  const all = [RQ_BYTES, PDATA_BYTES, PDATA_BYTES, ...SMALL.map((s) => s[1])];
  const stream = new Uint8Array(all.reduce((n, b) => n + b.length, 0));
  let o = 0;
  for (const b of all) {
    stream.set(b, o);
    o += b.length;
  }
  const expected = streamed([stream]);
  assert.deepEqual(expected.slice(0, 4), [
    `pdu ${[...RQ_BYTES].join(',')}`,
    'pdata 18',
    'pdv 1 true true 1,2,3,4',
    'pdv 3 false false 5,6',
  ]);
  assert.equal(expected.length, 1 + 3 + 3 + SMALL.length);
  for (let cut = 0; cut <= stream.length; cut++)
    for (let cut2 = cut; cut2 <= stream.length; cut2 += 5)
      assert.deepEqual(
        streamed([stream.subarray(0, cut), stream.subarray(cut, cut2), stream.subarray(cut2)]),
        expected,
        `cut ${cut}/${cut2}`,
      );
  assert.deepEqual(streamed([...stream].map((b) => new Uint8Array([b]))), expected, 'one byte at a time');
});

test('PduStream: bad P-DATA-TF framing is PDU_INVALID', () => {
  const bad = [
    hex('04 00 00000004 00000000'), // shorter than one PDV header
    hex('04 00 0000000a 00000010 01 03 01020304'), // PDV longer than its PDU
    hex('04 00 00000006 00000001 01 03'), // PDV item length below 2
    hex('04 00 0000000c 00000004 01 03 0102 000000'), // 3 stray bytes after the last PDV
    hex('04 00 00004001'), // above our maximum
    hex('0a'), // unknown type, refused on its first byte
  ];
  for (const b of bad)
    assert.throws(
      () => streamed([b]),
      (e) => isDicomError(e, 'PDU_INVALID'),
      [...b].join(' '),
    );
});
