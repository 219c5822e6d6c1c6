/**
 * Decoding PDUs (PS3.8 §9.3). Input is one whole PDU, header included, as the framer delivers it. Every length
 * is checked against what remains before it is used; a PDU that cannot be decoded is a DicomError PDU_INVALID
 * (which the state machine treats as Evt19).
 */
import { DicomError } from '@dicomkit/core';
import {
  ItemType,
  PduType,
  type AAssociateAc,
  type AAssociateRq,
  type Pdu,
  type Pdv,
  type PcResultCode,
  type PresentationContextAc,
  type PresentationContextRq,
  type UserInformation,
} from './types.js';

function fail(message: string, offset: number): never {
  throw new DicomError('PDU_INVALID', message, { offset });
}

/** A bounds-checked big-endian reader over a slice of the PDU. */
class Reader {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
    readonly end: number,
  ) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.end) fail(`${what}: needs ${n} bytes, ${this.end - this.pos} remain`, this.pos);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.pos++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v =
      ((this.b[this.pos]! << 24) >>> 0) +
      ((this.b[this.pos + 1]! << 16) | (this.b[this.pos + 2]! << 8) | this.b[this.pos + 3]!);
    this.pos += 4;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** An ASCII string; trailing NUL and space padding removed (UIDs may be NUL-padded, AE titles space-padded). */
  ascii(n: number, what: string): string {
    const v = this.bytes(n, what);
    let s = '';
    for (let i = 0; i < v.length; i++) s += String.fromCharCode(v[i]!);
    return s.replace(/[\0 ]+$/, '');
  }
  /** Items: type, reserved, 2-byte length; calls `f` with a reader bounded to the item's value. */
  items(what: string, f: (type: number, r: Reader) => void): void {
    while (this.pos < this.end) {
      const type = this.u8(what);
      this.u8(what);
      const len = this.u16(what);
      this.need(len, `${what} item 0x${type.toString(16)}`);
      const r = new Reader(this.b, this.pos, this.pos + len);
      f(type, r);
      this.pos += len;
    }
  }
}

function userInformation(r: Reader): UserInformation {
  const ui: UserInformation = {};
  r.items('user information', (type, s) => {
    switch (type) {
      case ItemType.MaximumLength:
        ui.maxLength = s.u32('maximum length');
        break;
      case ItemType.ImplementationClassUid:
        ui.implementationClassUid = s.ascii(s.end - s.pos, 'implementation class UID');
        break;
      case ItemType.ImplementationVersionName:
        ui.implementationVersionName = s.ascii(s.end - s.pos, 'implementation version name');
        break;
      case ItemType.AsynchronousOperationsWindow:
        ui.asyncOpsWindow = { maxInvoked: s.u16('async window'), maxPerformed: s.u16('async window') };
        break;
      case ItemType.RoleSelection: {
        const n = s.u16('role selection');
        const sopClassUid = s.ascii(n, 'role selection SOP class');
        (ui.roleSelections ??= []).push({
          sopClassUid,
          scuRole: s.u8('SCU role') === 1,
          scpRole: s.u8('SCP role') === 1,
        });
        break;
      }
      case ItemType.SopClassExtendedNegotiation: {
        const n = s.u16('extended negotiation');
        const sopClassUid = s.ascii(n, 'extended negotiation SOP class');
        (ui.sopClassExtended ??= []).push({
          sopClassUid,
          serviceClassApplicationInformation: s.bytes(s.end - s.pos, 'application information'),
        });
        break;
      }
      case ItemType.SopClassCommonExtendedNegotiation: {
        const sopClassUid = s.ascii(s.u16('common extended'), 'common extended SOP class');
        const serviceClassUid = s.ascii(s.u16('common extended'), 'common extended service class');
        const total = s.u16('related general SOP classes');
        s.need(total, 'related general SOP classes');
        const end = s.pos + total;
        const related: string[] = [];
        while (s.pos < end) related.push(s.ascii(s.u16('related SOP class'), 'related SOP class'));
        (ui.sopClassCommonExtended ??= []).push({
          sopClassUid,
          serviceClassUid,
          relatedGeneralSopClassUids: related,
        });
        break;
      }
      case ItemType.UserIdentityRq: {
        const t = s.u8('user identity type');
        const positive = s.u8('positive response requested') === 1;
        const primaryField = s.bytes(s.u16('primary field length'), 'primary field');
        const secondaryField =
          s.end > s.pos ? s.bytes(s.u16('secondary field length'), 'secondary field') : new Uint8Array(0);
        ui.userIdentityRq = { type: t, positiveResponseRequested: positive, primaryField, secondaryField };
        break;
      }
      case ItemType.UserIdentityAc:
        ui.userIdentityAc = s.bytes(s.u16('server response length'), 'server response');
        break;
      default:
        (ui.unknown ??= []).push({ type, value: s.bytes(s.end - s.pos, 'unknown user item') });
    }
  });
  return ui;
}

function associate(r: Reader, isRq: boolean): AAssociateRq | AAssociateAc {
  const protocolVersion = r.u16('protocol version');
  r.u16('reserved');
  const calledAeTitle = r.ascii(16, 'called AE title').trimStart();
  const callingAeTitle = r.ascii(16, 'calling AE title').trimStart();
  r.bytes(32, 'reserved');
  let applicationContext = '';
  let userInfo: UserInformation | undefined;
  const rqContexts: PresentationContextRq[] = [];
  const acContexts: PresentationContextAc[] = [];
  r.items('A-ASSOCIATE', (type, s) => {
    const at = s.pos - 4;
    switch (type) {
      case ItemType.ApplicationContext:
        applicationContext = s.ascii(s.end - s.pos, 'application context');
        break;
      case ItemType.PresentationContextRq: {
        if (!isRq) fail('presentation context RQ item in an A-ASSOCIATE-AC', at);
        const id = s.u8('presentation context ID');
        s.bytes(3, 'reserved');
        let abstractSyntax: string | undefined;
        const transferSyntaxes: string[] = [];
        s.items('presentation context', (t, x) => {
          if (t === ItemType.AbstractSyntax) {
            if (abstractSyntax !== undefined)
              fail('two abstract syntaxes in one presentation context', x.pos - 4);
            abstractSyntax = x.ascii(x.end - x.pos, 'abstract syntax');
          } else if (t === ItemType.TransferSyntax)
            transferSyntaxes.push(x.ascii(x.end - x.pos, 'transfer syntax'));
          else fail(`unexpected item 0x${t.toString(16)} in a presentation context`, x.pos - 4);
        });
        if (abstractSyntax === undefined) fail(`presentation context ${id} has no abstract syntax`, at);
        rqContexts.push({ id, abstractSyntax, transferSyntaxes });
        break;
      }
      case ItemType.PresentationContextAc: {
        if (isRq) fail('presentation context AC item in an A-ASSOCIATE-RQ', at);
        const id = s.u8('presentation context ID');
        s.u8('reserved');
        const result = s.u8('result/reason');
        s.u8('reserved');
        let transferSyntax = '';
        s.items('presentation context', (t, x) => {
          if (t === ItemType.TransferSyntax) transferSyntax = x.ascii(x.end - x.pos, 'transfer syntax');
        });
        if (result > 4) fail(`presentation context result ${result} is not defined`, at);
        acContexts.push({ id, result: result as PcResultCode, transferSyntax });
        break;
      }
      case ItemType.UserInformation:
        userInfo = userInformation(s);
        break;
      default:
        fail(`unexpected item 0x${type.toString(16)} in an A-ASSOCIATE PDU`, at);
    }
  });
  if (!applicationContext) fail('no application context item', 6);
  if (!userInfo) fail('no user information item', 6);
  return isRq
    ? {
        type: 'A-ASSOCIATE-RQ',
        protocolVersion,
        calledAeTitle,
        callingAeTitle,
        applicationContext,
        presentationContexts: rqContexts,
        userInformation: userInfo,
      }
    : {
        type: 'A-ASSOCIATE-AC',
        protocolVersion,
        calledAeTitle,
        callingAeTitle,
        applicationContext,
        presentationContexts: acContexts,
        userInformation: userInfo,
      };
}

/** Decodes the PDVs of a P-DATA-TF body: views into `b`, no copy (PS3.8 §9.3.5). */
function pdvs(r: Reader): Pdv[] {
  const out: Pdv[] = [];
  while (r.pos < r.end) {
    const len = r.u32('PDV item length');
    if (len < 2) fail(`PDV item length ${len} is less than 2`, r.pos - 4);
    r.need(len, 'PDV');
    const presentationContextId = r.u8('presentation context ID');
    const mch = r.u8('message control header');
    out.push({
      presentationContextId,
      command: (mch & 1) !== 0,
      last: (mch & 2) !== 0,
      data: r.bytes(len - 2, 'PDV data'),
    });
  }
  if (out.length === 0) fail('P-DATA-TF without PDV items', 6);
  return out;
}

/** Decodes one whole PDU (header included). */
export function decodePdu(b: Uint8Array): Pdu {
  if (b.length < 6) fail('PDU shorter than its 6-byte header', 0);
  const type = b[0]!;
  const len = ((b[2]! << 24) >>> 0) + ((b[3]! << 16) | (b[4]! << 8) | b[5]!);
  if (len !== b.length - 6) fail(`PDU length ${len} does not match the ${b.length - 6} bytes given`, 2);
  const r = new Reader(b, 6, b.length);
  switch (type) {
    case PduType.AAssociateRq:
      return associate(r, true);
    case PduType.AAssociateAc:
      return associate(r, false);
    case PduType.AAssociateRj:
      r.u8('reserved');
      return {
        type: 'A-ASSOCIATE-RJ',
        result: r.u8('result'),
        source: r.u8('source'),
        reason: r.u8('reason'),
      };
    case PduType.PDataTf:
      return { type: 'P-DATA-TF', pdvs: pdvs(r) };
    case PduType.AReleaseRq:
      r.need(4, 'A-RELEASE-RQ');
      return { type: 'A-RELEASE-RQ' };
    case PduType.AReleaseRp:
      r.need(4, 'A-RELEASE-RP');
      return { type: 'A-RELEASE-RP' };
    case PduType.AAbort:
      r.u16('reserved');
      return { type: 'A-ABORT', source: r.u8('source'), reason: r.u8('reason') };
    default:
      return fail(`unrecognized PDU type 0x${type.toString(16)}`, 0);
  }
}
