/**
 * DIMSE status codes as data (PS3.7 Annex C; service-specific codes from PS3.4 Annexes B, C, H, …).
 */

export type StatusCategory = 'success' | 'pending' | 'cancel' | 'warning' | 'failure';

export const Status = {
  Success: 0x0000,
  Pending: 0xff00,
  PendingOptionalKeysNotSupported: 0xff01,
  Cancel: 0xfe00,
  // Warnings
  WarningSubOperationsFailures: 0xb000, // C-MOVE/C-GET: one or more sub-operations failed; C-STORE: coercion of data elements
  CoercionOfDataElements: 0xb000,
  ElementsDiscarded: 0xb006, // PS3.4 Table B.2-1
  DataSetDoesNotMatchSopClassWarning: 0xb007, // PS3.4 Table B.2-1
  AttributeListError: 0x0107,
  AttributeValueOutOfRange: 0x0116,
  // Failures (PS3.7 Annex C.4–C.5, PS3.4)
  OutOfResources: 0xa700,
  OutOfResourcesNumberOfMatches: 0xa701,
  OutOfResourcesSubOperations: 0xa702,
  MoveDestinationUnknown: 0xa801,
  IdentifierDoesNotMatchSopClass: 0xa900,
  DataSetDoesNotMatchSopClass: 0xa900,
  UnableToProcess: 0xc000,
  NoSuchAttribute: 0x0105,
  InvalidAttributeValue: 0x0106,
  ProcessingFailure: 0x0110,
  DuplicateSopInstance: 0x0111,
  NoSuchSopInstance: 0x0112,
  NoSuchEventType: 0x0113,
  NoSuchArgument: 0x0114,
  InvalidArgumentValue: 0x0115,
  InvalidObjectInstance: 0x0117,
  NoSuchSopClass: 0x0118,
  ClassInstanceConflict: 0x0119,
  MissingAttribute: 0x0120,
  MissingAttributeValue: 0x0121,
  SopClassNotSupported: 0x0122,
  NoSuchAction: 0x0123,
  NotAuthorized: 0x0124,
  DuplicateInvocation: 0x0210,
  UnrecognizedOperation: 0x0211,
  MistypedArgument: 0x0212,
  ResourceLimitation: 0x0213,
} as const;

const NAMES: Record<number, string> = {
  0x0000: 'Success',
  0xff00: 'Pending',
  0xff01: 'Pending (optional keys not supported)',
  0xfe00: 'Cancel',
  0xb000: 'Warning (coercion of data elements / sub-operations complete with failures)',
  0xb006: 'Warning (elements discarded)',
  0xb007: 'Warning (data set does not match SOP class)',
  0x0001: 'Warning',
  0x0107: 'Warning (attribute list error)',
  0x0116: 'Warning (attribute value out of range)',
  0xa700: 'Refused: out of resources',
  0xa701: 'Refused: out of resources (number of matches)',
  0xa702: 'Refused: out of resources (sub-operations)',
  0xa801: 'Refused: move destination unknown',
  0xa900: 'Error: data set or identifier does not match SOP class',
  0x0105: 'Failure: no such attribute',
  0x0106: 'Failure: invalid attribute value',
  0x0110: 'Failure: processing failure',
  0x0111: 'Failure: duplicate SOP instance',
  0x0112: 'Failure: no such SOP instance',
  0x0113: 'Failure: no such event type',
  0x0114: 'Failure: no such argument',
  0x0115: 'Failure: invalid argument value',
  0x0117: 'Failure: invalid object instance',
  0x0118: 'Failure: no such SOP class',
  0x0119: 'Failure: class-instance conflict',
  0x0120: 'Failure: missing attribute',
  0x0121: 'Failure: missing attribute value',
  0x0122: 'Refused: SOP class not supported',
  0x0123: 'Failure: no such action',
  0x0124: 'Refused: not authorized',
  0x0210: 'Failure: duplicate invocation',
  0x0211: 'Failure: unrecognized operation',
  0x0212: 'Failure: mistyped argument',
  0x0213: 'Failure: resource limitation',
};

/** The category of a status code (PS3.7 §C.1–C.5). */
export function statusCategory(status: number): StatusCategory {
  if (status === 0x0000) return 'success';
  if (status === 0xff00 || status === 0xff01) return 'pending';
  if (status === 0xfe00) return 'cancel';
  if (status === 0x0001 || status === 0x0107 || status === 0x0116 || (status & 0xf000) === 0xb000)
    return 'warning';
  return 'failure';
}

export function describeStatus(status: number): string {
  const hex = `0x${status.toString(16).padStart(4, '0').toUpperCase()}`;
  const name =
    NAMES[status] ??
    ((status & 0xf000) === 0xc000
      ? 'Error: cannot understand / unable to process'
      : (status & 0xff00) === 0xa700
        ? 'Refused: out of resources'
        : statusCategory(status));
  return `${hex} ${name}`;
}
