import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptedContexts,
  describeReject,
  invokedWindow,
  negotiateAsAcceptor,
  type AAssociateRq,
  type AcceptorPolicy,
} from '../src/index.js';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const ELE = '1.2.840.10008.1.2.1';
const ILE = '1.2.840.10008.1.2';
const J2K = '1.2.840.10008.1.2.4.90';

function rq(over: Partial<AAssociateRq> = {}): AAssociateRq {
  return {
    type: 'A-ASSOCIATE-RQ',
    protocolVersion: 1,
    calledAeTitle: 'SCP',
    callingAeTitle: 'SCU',
    applicationContext: '1.2.840.10008.3.1.1.1',
    presentationContexts: [
      { id: 1, abstractSyntax: CT, transferSyntaxes: [ILE, ELE] },
      { id: 3, abstractSyntax: MR, transferSyntaxes: [J2K, ELE] },
    ],
    userInformation: { maxLength: 16384 },
    ...over,
  };
}

const policy: AcceptorPolicy = {
  aeTitles: ['SCP'],
  transferSyntaxesFor: (a) => (a === CT || a === MR ? [ELE, ILE] : undefined),
};

test('transfer syntax choice: acceptor preference by default, requestor preference on request, * takes the first proposed', () => {
  const a = negotiateAsAcceptor(rq(), policy, {});
  assert.ok(a.accepted);
  assert.deepEqual(
    a.contexts.map((c) => [c.id, c.transferSyntax]),
    [
      [1, ELE],
      [3, ELE],
    ],
  );
  const b = negotiateAsAcceptor(rq(), { ...policy, preference: 'requestor' }, {});
  assert.ok(b.accepted);
  assert.deepEqual(
    b.contexts.map((c) => [c.id, c.transferSyntax]),
    [
      [1, ILE],
      [3, ELE],
    ],
  );
  const c = negotiateAsAcceptor(rq(), { transferSyntaxesFor: () => ['*'] }, {});
  assert.ok(c.accepted);
  assert.deepEqual(
    c.contexts.map((x) => [x.id, x.transferSyntax]),
    [
      [1, ILE],
      [3, J2K],
    ],
  );
});

test('role selection: answered for accepted SOP classes, narrowed by the policy; requestor reads the answer', () => {
  const r = rq({
    userInformation: {
      roleSelections: [
        { sopClassUid: CT, scuRole: true, scpRole: true },
        { sopClassUid: '1.2.3', scuRole: false, scpRole: true },
      ],
    },
  });
  const a = negotiateAsAcceptor(r, { ...policy, roles: () => ({ scu: false, scp: true }) }, {});
  assert.ok(a.accepted);
  assert.deepEqual(a.ac.userInformation.roleSelections, [{ sopClassUid: CT, scuRole: false, scpRole: true }]);
  const ctx = acceptedContexts(r, a.ac).find((c) => c.abstractSyntax === CT)!;
  assert.deepEqual([ctx.requestorScu, ctx.requestorScp], [false, true]);
  const mr = acceptedContexts(r, a.ac).find((c) => c.abstractSyntax === MR)!;
  assert.deepEqual(
    [mr.requestorScu, mr.requestorScp],
    [true, false],
    'default roles without a selection item',
  );
});

test('requestor: an answer with a transfer syntax never proposed, or for an unknown ID, is not used', () => {
  const r = rq();
  const a = negotiateAsAcceptor(r, policy, {});
  assert.ok(a.accepted);
  const ac = {
    ...a.ac,
    presentationContexts: [
      { id: 1, result: 0 as const, transferSyntax: J2K },
      { id: 9, result: 0 as const, transferSyntax: ELE },
      { id: 3, result: 0 as const, transferSyntax: ELE },
    ],
  };
  assert.deepEqual(
    acceptedContexts(r, ac).map((c) => c.id),
    [3],
  );
});

test('asynchronous operations window: negotiated down, 1 without an answer', () => {
  const r = rq({ userInformation: { asyncOpsWindow: { maxInvoked: 32, maxPerformed: 4 } } });
  const a = negotiateAsAcceptor(r, { ...policy, asyncOpsWindow: { maxInvoked: 8, maxPerformed: 1 } }, {});
  assert.ok(a.accepted);
  assert.deepEqual(a.ac.userInformation.asyncOpsWindow, { maxInvoked: 8, maxPerformed: 1 });
  assert.equal(invokedWindow(r, a.ac), 8);
  assert.equal(invokedWindow(r, { ...a.ac, userInformation: {} }), 1);
  const none = negotiateAsAcceptor(rq(), policy, {});
  assert.ok(
    none.accepted && none.ac.userInformation.asyncOpsWindow === undefined,
    'not answered unless proposed',
  );
});

test('rejections are described in the words of PS3.8 Table 9-21', () => {
  const r = negotiateAsAcceptor(rq({ callingAeTitle: 'X' }), { ...policy, callingAeTitles: ['Y'] }, {});
  assert.ok(!r.accepted);
  assert.equal(describeReject(r.rj), 'rejected-permanent, service-user: calling-AE-title-not-recognized');
  assert.equal(
    describeReject({ type: 'A-ASSOCIATE-RJ', result: 2, source: 3, reason: 1 }),
    'rejected-transient, service-provider (presentation): temporary-congestion',
  );
});
