/**
 * Encoding PDUs (PS3.8 §9.3). Every multi-byte field is big endian (PS3.8 §9.3.1).
 */
import { DicomError } from '@dicomkit/core';
import {
  DICOM_APPLICATION_CONTEXT,
  ItemType,
  PduType,
  type AAbort,
  type AAssociateAc,
  type AAssociateRj,
  type AAssociateRq,
  type PDataTf,
  type Pdu,
  type UserInformation,
} from './types.js';

/** A growable big-endian byte builder. */
class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.length));
    this.buf = b;
  }
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.buf[this.length++] = (v >>> 24) & 0xff;
    this.buf[this.length++] = (v >>> 16) & 0xff;
    this.buf[this.length++] = (v >>> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  ascii(s: string): this {
    this.ensure(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.length++] = s.charCodeAt(i) & 0x7f;
    return this;
  }
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
    return this;
  }
  /** Patches a big-endian u16 or u32 at an earlier position. */
  patch(at: number, size: 2 | 4, v: number): void {
    if (size === 2) {
      this.buf[at] = (v >>> 8) & 0xff;
      this.buf[at + 1] = v & 0xff;
    } else {
      this.buf[at] = (v >>> 24) & 0xff;
      this.buf[at + 1] = (v >>> 16) & 0xff;
      this.buf[at + 2] = (v >>> 8) & 0xff;
      this.buf[at + 3] = v & 0xff;
    }
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** An item with a 2-byte length: type, reserved, length, then what `body` writes. */
function item(w: Bytes, type: number, body: () => void): void {
  w.u8(type).u8(0).u16(0);
  const at = w.length - 2;
  const start = w.length;
  body();
  const len = w.length - start;
  if (len > 0xffff)
    throw new DicomError('PDU_INVALID', `item 0x${type.toString(16)} is longer than 65535 bytes`);
  w.patch(at, 2, len);
}

function uidItem(w: Bytes, type: number, uid: string): void {
  item(w, type, () => w.ascii(uid));
}

/** AE titles are 16 bytes, padded with spaces (PS3.8 §9.3.2). */
function aeTitle(w: Bytes, ae: string): void {
  if (ae.length > 16) throw new DicomError('PDU_INVALID', `AE title longer than 16 characters: ${ae}`);
  w.ascii(ae.padEnd(16, ' '));
}

function userInformation(w: Bytes, ui: UserInformation): void {
  item(w, ItemType.UserInformation, () => {
    if (ui.maxLength !== undefined) item(w, ItemType.MaximumLength, () => w.u32(ui.maxLength!));
    if (ui.implementationClassUid) uidItem(w, ItemType.ImplementationClassUid, ui.implementationClassUid);
    if (ui.asyncOpsWindow)
      item(w, ItemType.AsynchronousOperationsWindow, () =>
        w.u16(ui.asyncOpsWindow!.maxInvoked).u16(ui.asyncOpsWindow!.maxPerformed),
      );
    for (const r of ui.roleSelections ?? [])
      item(w, ItemType.RoleSelection, () => {
        w.u16(r.sopClassUid.length)
          .ascii(r.sopClassUid)
          .u8(r.scuRole ? 1 : 0)
          .u8(r.scpRole ? 1 : 0);
      });
    if (ui.implementationVersionName)
      item(w, ItemType.ImplementationVersionName, () => w.ascii(ui.implementationVersionName!));
    for (const x of ui.sopClassExtended ?? [])
      item(w, ItemType.SopClassExtendedNegotiation, () => {
        w.u16(x.sopClassUid.length).ascii(x.sopClassUid).bytes(x.serviceClassApplicationInformation);
      });
    for (const x of ui.sopClassCommonExtended ?? [])
      item(w, ItemType.SopClassCommonExtendedNegotiation, () => {
        w.u16(x.sopClassUid.length)
          .ascii(x.sopClassUid)
          .u16(x.serviceClassUid.length)
          .ascii(x.serviceClassUid);
        const total = x.relatedGeneralSopClassUids.reduce((n, u) => n + 2 + u.length, 0);
        w.u16(total);
        for (const u of x.relatedGeneralSopClassUids) w.u16(u.length).ascii(u);
      });
    if (ui.userIdentityRq) {
      const u = ui.userIdentityRq;
      item(w, ItemType.UserIdentityRq, () => {
        w.u8(u.type)
          .u8(u.positiveResponseRequested ? 1 : 0)
          .u16(u.primaryField.length)
          .bytes(u.primaryField)
          .u16(u.secondaryField.length)
          .bytes(u.secondaryField);
      });
    }
    if (ui.userIdentityAc)
      item(w, ItemType.UserIdentityAc, () => w.u16(ui.userIdentityAc!.length).bytes(ui.userIdentityAc!));
    for (const x of ui.unknown ?? []) item(w, x.type, () => w.bytes(x.value));
  });
}

function associate(w: Bytes, pdu: AAssociateRq | AAssociateAc): void {
  w.u16(pdu.protocolVersion).u16(0);
  aeTitle(w, pdu.calledAeTitle);
  aeTitle(w, pdu.callingAeTitle);
  w.zeros(32);
  uidItem(w, ItemType.ApplicationContext, pdu.applicationContext || DICOM_APPLICATION_CONTEXT);
  if (pdu.type === 'A-ASSOCIATE-RQ') {
    for (const pc of pdu.presentationContexts)
      item(w, ItemType.PresentationContextRq, () => {
        w.u8(pc.id).u8(0).u8(0).u8(0);
        uidItem(w, ItemType.AbstractSyntax, pc.abstractSyntax);
        for (const t of pc.transferSyntaxes) uidItem(w, ItemType.TransferSyntax, t);
      });
  } else {
    for (const pc of pdu.presentationContexts)
      item(w, ItemType.PresentationContextAc, () => {
        w.u8(pc.id).u8(0).u8(pc.result).u8(0);
        // PS3.8 §9.3.3.2: one transfer syntax sub-item; when not accepted its value is not significant.
        uidItem(w, ItemType.TransferSyntax, pc.transferSyntax);
      });
  }
  userInformation(w, pdu.userInformation);
}

function pdata(w: Bytes, pdu: PDataTf): void {
  for (const v of pdu.pdvs) {
    w.u32(v.data.length + 2)
      .u8(v.presentationContextId)
      .u8((v.command ? 1 : 0) | (v.last ? 2 : 0));
    w.bytes(v.data);
  }
}

function typeCode(pdu: Pdu): number {
  switch (pdu.type) {
    case 'A-ASSOCIATE-RQ':
      return PduType.AAssociateRq;
    case 'A-ASSOCIATE-AC':
      return PduType.AAssociateAc;
    case 'A-ASSOCIATE-RJ':
      return PduType.AAssociateRj;
    case 'P-DATA-TF':
      return PduType.PDataTf;
    case 'A-RELEASE-RQ':
      return PduType.AReleaseRq;
    case 'A-RELEASE-RP':
      return PduType.AReleaseRp;
    case 'A-ABORT':
      return PduType.AAbort;
  }
}

/** Encodes one PDU, header included. */
export function encodePdu(pdu: Pdu): Uint8Array {
  const w = new Bytes();
  w.u8(typeCode(pdu)).u8(0).u32(0);
  switch (pdu.type) {
    case 'A-ASSOCIATE-RQ':
    case 'A-ASSOCIATE-AC':
      associate(w, pdu);
      break;
    case 'A-ASSOCIATE-RJ': {
      const rj: AAssociateRj = pdu;
      w.u8(0).u8(rj.result).u8(rj.source).u8(rj.reason);
      break;
    }
    case 'P-DATA-TF':
      pdata(w, pdu);
      break;
    case 'A-RELEASE-RQ':
    case 'A-RELEASE-RP':
      w.zeros(4);
      break;
    case 'A-ABORT': {
      const a: AAbort = pdu;
      w.u8(0).u8(0).u8(a.source).u8(a.reason);
      break;
    }
  }
  w.patch(2, 4, w.length - 6);
  return w.finish();
}

/**
 * The 12-byte header of a P-DATA-TF PDU holding one PDV of `dataLength` bytes: PDU header, PDV item length,
 * presentation context ID and message control header. The data itself is written after it without a copy.
 */
export function pdataHeader(
  presentationContextId: number,
  command: boolean,
  last: boolean,
  dataLength: number,
): Uint8Array {
  const h = new Uint8Array(12);
  const v = new DataView(h.buffer);
  h[0] = PduType.PDataTf;
  v.setUint32(2, dataLength + 6);
  v.setUint32(6, dataLength + 2);
  h[10] = presentationContextId;
  h[11] = (command ? 1 : 0) | (last ? 2 : 0);
  return h;
}
