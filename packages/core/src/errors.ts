/**
 * One error family for dicomkit: a code, the byte offset and the tag path where the problem was found,
 * and the underlying cause. Guard with {@link isDicomError}.
 */

export type DicomErrorCode =
  | 'NOT_DICOM' // neither Part 10 nor a recognisable raw dataset
  | 'TRUNCATED' // the input ends inside a header or value
  | 'VALUE_TOO_LONG' // a length exceeds what remains in its container
  | 'INVALID_LENGTH' // an undefined or odd length where the VR forbids it
  | 'INVALID_VR' // an unknown VR code in explicit VR
  | 'NESTING_TOO_DEEP' // sequences nested beyond the configured limit
  | 'INVALID_ITEM' // a missing or unexpected item or delimiter
  | 'INVALID_FILE_META' // a File Meta Information group that cannot be used
  | 'UNSUPPORTED_TRANSFER_SYNTAX'
  | 'DEFLATE_ERROR' // inflate failed, or the inflated size exceeded the cap
  | 'INVALID_VALUE' // a value cannot be encoded or decoded as its VR
  | 'INVALID_CHARSET' // a character set term or escape sequence that cannot be used
  | 'INVALID_JSON'
  | 'INVALID_XML'
  | 'STOPPED' // parsing was stopped on request (not an error to a caller that asked for it)
  | 'IO_ERROR'
  // Networking (@dicomkit/net): PS3.8 Upper Layer and PS3.7 DIMSE
  | 'PDU_INVALID' // a PDU or item that cannot be decoded, or longer than the negotiated maximum
  | 'ASSOCIATION_REJECTED' // A-ASSOCIATE-RJ received
  | 'ASSOCIATION_ABORTED' // A-ABORT / A-P-ABORT, or the transport closed
  | 'DIMSE_ERROR' // a DIMSE message that cannot be used, or a failure status where one was not expected
  | 'TIMEOUT' // connect, ARTIM, DIMSE or idle timeout
  | 'CANCELLED'; // an AbortSignal fired

export interface DicomErrorDetails {
  /** Byte offset in the input (file offset for files) where the problem was found. */
  offset?: number;
  /** Path of tags from the dataset root, e.g. "(0008,1115)[0].(0020,000E)". */
  tagPath?: string;
  cause?: unknown;
}

export class DicomError extends Error {
  readonly code: DicomErrorCode;
  readonly offset: number | undefined;
  readonly tagPath: string | undefined;

  constructor(code: DicomErrorCode, message: string, details: DicomErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DicomError';
    this.code = code;
    this.offset = details.offset;
    this.tagPath = details.tagPath;
  }

  /** One line: "TRUNCATED at byte 1234 in (0008,1115)[0].(0020,000E): message". */
  describe(): string {
    let where = '';
    if (this.offset !== undefined) where += ` at byte ${this.offset}`;
    if (this.tagPath) where += ` in ${this.tagPath}`;
    return `${this.code}${where}: ${this.message}`;
  }
}

export function isDicomError(e: unknown, code?: DicomErrorCode): e is DicomError {
  return e instanceof DicomError && (code === undefined || e.code === code);
}

/** A problem tolerated while reading, recorded on the result instead of thrown. */
export interface DicomWarning {
  code:
    | DicomErrorCode
    | 'ODD_LENGTH'
    | 'VR_MISMATCH'
    | 'GROUP_LENGTH'
    | 'UN_REREAD'
    | 'TRAILING_BYTES'
    | 'IMPLICIT_IN_EXPLICIT'
    | 'PADDING';
  message: string;
  offset?: number;
  tagPath?: string;
}
