/**
 * Protocol Data Units of the DICOM Upper Layer (PS3.8 §9.3), as typed values.
 * Encoding is in encode.ts, decoding in decode.ts, stream framing in framer.ts.
 */

/** PDU types (PS3.8 Table 9-11 and following). */
export const PduType = {
  AAssociateRq: 0x01,
  AAssociateAc: 0x02,
  AAssociateRj: 0x03,
  PDataTf: 0x04,
  AReleaseRq: 0x05,
  AReleaseRp: 0x06,
  AAbort: 0x07,
} as const;
export type PduTypeCode = (typeof PduType)[keyof typeof PduType];

/** Item types inside A-ASSOCIATE PDUs (PS3.8 §9.3.2, Annex D). */
export const ItemType = {
  ApplicationContext: 0x10,
  PresentationContextRq: 0x20,
  PresentationContextAc: 0x21,
  AbstractSyntax: 0x30,
  TransferSyntax: 0x40,
  UserInformation: 0x50,
  MaximumLength: 0x51,
  ImplementationClassUid: 0x52,
  AsynchronousOperationsWindow: 0x53,
  RoleSelection: 0x54,
  ImplementationVersionName: 0x55,
  SopClassExtendedNegotiation: 0x56,
  SopClassCommonExtendedNegotiation: 0x57,
  UserIdentityRq: 0x58,
  UserIdentityAc: 0x59,
} as const;

/** The DICOM Application Context Name (PS3.7 Annex A.2.1). */
export const DICOM_APPLICATION_CONTEXT = '1.2.840.10008.3.1.1.1';

/** Presentation context as proposed in an A-ASSOCIATE-RQ (PS3.8 §9.3.2.2). */
export interface PresentationContextRq {
  /** Odd, 1–255. */
  id: number;
  abstractSyntax: string;
  transferSyntaxes: string[];
}

/** Presentation-context result/reason (PS3.8 Table 9-18). */
export const PcResult = {
  Acceptance: 0,
  UserRejection: 1,
  NoReason: 2,
  AbstractSyntaxNotSupported: 3,
  TransferSyntaxesNotSupported: 4,
} as const;
export type PcResultCode = (typeof PcResult)[keyof typeof PcResult];

/** Presentation context as answered in an A-ASSOCIATE-AC (PS3.8 §9.3.3.2). */
export interface PresentationContextAc {
  id: number;
  result: PcResultCode;
  /** The accepted transfer syntax (meaningless unless result is Acceptance). */
  transferSyntax: string;
}

/** SCP/SCU Role Selection sub-item (PS3.7 §D.3.3.4). */
export interface RoleSelection {
  sopClassUid: string;
  scuRole: boolean;
  scpRole: boolean;
}

/** SOP Class Extended Negotiation sub-item (PS3.7 §D.3.3.5). */
export interface SopClassExtendedNegotiation {
  sopClassUid: string;
  serviceClassApplicationInformation: Uint8Array;
}

/** SOP Class Common Extended Negotiation sub-item (PS3.7 §D.3.3.6). */
export interface SopClassCommonExtendedNegotiation {
  sopClassUid: string;
  serviceClassUid: string;
  relatedGeneralSopClassUids: string[];
}

/** User Identity Negotiation request sub-item (PS3.7 §D.3.3.7.1). */
export interface UserIdentityRq {
  /** 1 username, 2 username+passcode, 3 Kerberos, 4 SAML, 5 JWT. */
  type: number;
  positiveResponseRequested: boolean;
  primaryField: Uint8Array;
  secondaryField: Uint8Array;
}

/** User Information item (PS3.8 §9.3.2.3, PS3.7 Annex D.3.3). */
export interface UserInformation {
  /** Maximum length of the P-DATA-TF PDUs this side receives; 0 = unlimited (PS3.8 §D.1). */
  maxLength?: number;
  implementationClassUid?: string;
  implementationVersionName?: string;
  asyncOpsWindow?: { maxInvoked: number; maxPerformed: number };
  roleSelections?: RoleSelection[];
  sopClassExtended?: SopClassExtendedNegotiation[];
  sopClassCommonExtended?: SopClassCommonExtendedNegotiation[];
  userIdentityRq?: UserIdentityRq;
  /** User Identity AC: the server response (PS3.7 §D.3.3.7.2). */
  userIdentityAc?: Uint8Array;
  /** Sub-items of unknown type, kept as they came. */
  unknown?: { type: number; value: Uint8Array }[];
}

export interface AAssociateRq {
  type: 'A-ASSOCIATE-RQ';
  protocolVersion: number;
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContext: string;
  presentationContexts: PresentationContextRq[];
  userInformation: UserInformation;
}

export interface AAssociateAc {
  type: 'A-ASSOCIATE-AC';
  protocolVersion: number;
  /** Echoed from the request (PS3.8 §9.3.3: not tested). */
  calledAeTitle: string;
  callingAeTitle: string;
  applicationContext: string;
  presentationContexts: PresentationContextAc[];
  userInformation: UserInformation;
}

/** A-ASSOCIATE-RJ result (PS3.8 Table 9-21). */
export const RjResult = { Permanent: 1, Transient: 2 } as const;
/** A-ASSOCIATE-RJ source (PS3.8 Table 9-21). */
export const RjSource = { ServiceUser: 1, ServiceProviderAcse: 2, ServiceProviderPresentation: 3 } as const;
/** A-ASSOCIATE-RJ reasons, by source (PS3.8 Table 9-21). */
export const RjReason = {
  /** source 1 (service user) */
  NoReasonGiven: 1,
  ApplicationContextNotSupported: 2,
  CallingAeNotRecognized: 3,
  CalledAeNotRecognized: 7,
  /** source 2 (service provider, ACSE) */
  ProtocolVersionNotSupported: 2,
  /** source 3 (service provider, presentation) */
  TemporaryCongestion: 1,
  LocalLimitExceeded: 2,
} as const;

export interface AAssociateRj {
  type: 'A-ASSOCIATE-RJ';
  result: number;
  source: number;
  reason: number;
}

/** One Presentation Data Value item (PS3.8 §9.3.5.1, Annex E.2). */
export interface Pdv {
  presentationContextId: number;
  /** Message Control Header bit 0: a command fragment (else a data set fragment). */
  command: boolean;
  /** Message Control Header bit 1: the last fragment of the command or data set. */
  last: boolean;
  /** A view into the received PDU (no copy). */
  data: Uint8Array;
}

export interface PDataTf {
  type: 'P-DATA-TF';
  pdvs: Pdv[];
}

export interface AReleaseRq {
  type: 'A-RELEASE-RQ';
}
export interface AReleaseRp {
  type: 'A-RELEASE-RP';
}

/** A-ABORT source (PS3.8 Table 9-26). */
export const AbortSource = { ServiceUser: 0, Reserved: 1, ServiceProvider: 2 } as const;
/** A-ABORT reasons when the source is the service provider (PS3.8 Table 9-26). */
export const AbortReason = {
  NotSpecified: 0,
  UnrecognizedPdu: 1,
  UnexpectedPdu: 2,
  UnrecognizedPduParameter: 4,
  UnexpectedPduParameter: 5,
  InvalidPduParameterValue: 6,
} as const;

export interface AAbort {
  type: 'A-ABORT';
  source: number;
  reason: number;
}

export type Pdu = AAssociateRq | AAssociateAc | AAssociateRj | PDataTf | AReleaseRq | AReleaseRp | AAbort;
