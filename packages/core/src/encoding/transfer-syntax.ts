/**
 * Transfer syntaxes: one table with what each one means for encoding (PS3.5 §10, Annex A).
 */

export interface TransferSyntax {
  readonly uid: string;
  readonly keyword: string;
  readonly name: string;
  /** Explicit VR (PS3.5 §7.1.2) or implicit (§7.1.3). */
  readonly explicitVR: boolean;
  readonly littleEndian: boolean;
  /** Pixel Data is encapsulated in fragments (PS3.5 §A.4). */
  readonly encapsulated: boolean;
  /** The dataset after the File Meta is deflated (PS3.5 §A.5). */
  readonly deflated: boolean;
  /** A lossy compression. */
  readonly lossy: boolean;
  readonly retired: boolean;
}

function ts(
  uid: string,
  keyword: string,
  name: string,
  o: Partial<
    Pick<TransferSyntax, 'explicitVR' | 'littleEndian' | 'encapsulated' | 'deflated' | 'lossy' | 'retired'>
  > = {},
): TransferSyntax {
  return {
    uid,
    keyword,
    name,
    explicitVR: o.explicitVR ?? true,
    littleEndian: o.littleEndian ?? true,
    encapsulated: o.encapsulated ?? true,
    deflated: o.deflated ?? false,
    lossy: o.lossy ?? false,
    retired: o.retired ?? false,
  };
}

const native = { encapsulated: false };

export const TRANSFER_SYNTAXES: readonly TransferSyntax[] = [
  ts('1.2.840.10008.1.2', 'ImplicitVRLittleEndian', 'Implicit VR Little Endian', {
    ...native,
    explicitVR: false,
  }),
  ts('1.2.840.10008.1.2.1', 'ExplicitVRLittleEndian', 'Explicit VR Little Endian', native),
  ts(
    '1.2.840.10008.1.2.1.98',
    'EncapsulatedUncompressedExplicitVRLittleEndian',
    'Encapsulated Uncompressed Explicit VR Little Endian',
  ),
  ts('1.2.840.10008.1.2.1.99', 'DeflatedExplicitVRLittleEndian', 'Deflated Explicit VR Little Endian', {
    ...native,
    deflated: true,
  }),
  ts('1.2.840.10008.1.2.2', 'ExplicitVRBigEndian', 'Explicit VR Big Endian', {
    ...native,
    littleEndian: false,
    retired: true,
  }),
  ts('1.2.840.10008.1.2.4.50', 'JPEGBaseline8Bit', 'JPEG Baseline (Process 1)', { lossy: true }),
  ts('1.2.840.10008.1.2.4.51', 'JPEGExtended12Bit', 'JPEG Extended (Process 2 & 4)', { lossy: true }),
  ts('1.2.840.10008.1.2.4.52', 'JPEGExtended35', 'JPEG Extended (Process 3 & 5)', {
    lossy: true,
    retired: true,
  }),
  ts(
    '1.2.840.10008.1.2.4.53',
    'JPEGSpectralSelectionNonHierarchical68',
    'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)',
    { lossy: true, retired: true },
  ),
  ts(
    '1.2.840.10008.1.2.4.54',
    'JPEGSpectralSelectionNonHierarchical79',
    'JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9)',
    { lossy: true, retired: true },
  ),
  ts(
    '1.2.840.10008.1.2.4.55',
    'JPEGFullProgressionNonHierarchical1012',
    'JPEG Full Progression, Non-Hierarchical (Process 10 & 12)',
    { lossy: true, retired: true },
  ),
  ts(
    '1.2.840.10008.1.2.4.56',
    'JPEGFullProgressionNonHierarchical1113',
    'JPEG Full Progression, Non-Hierarchical (Process 11 & 13)',
    { lossy: true, retired: true },
  ),
  ts('1.2.840.10008.1.2.4.57', 'JPEGLossless', 'JPEG Lossless, Non-Hierarchical (Process 14)'),
  ts(
    '1.2.840.10008.1.2.4.58',
    'JPEGLosslessNonHierarchical15',
    'JPEG Lossless, Non-Hierarchical (Process 15)',
    { retired: true },
  ),
  ts(
    '1.2.840.10008.1.2.4.70',
    'JPEGLosslessSV1',
    'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])',
  ),
  ts('1.2.840.10008.1.2.4.80', 'JPEGLSLossless', 'JPEG-LS Lossless Image Compression'),
  ts('1.2.840.10008.1.2.4.81', 'JPEGLSNearLossless', 'JPEG-LS Lossy (Near-Lossless) Image Compression', {
    lossy: true,
  }),
  ts('1.2.840.10008.1.2.4.90', 'JPEG2000Lossless', 'JPEG 2000 Image Compression (Lossless Only)'),
  ts('1.2.840.10008.1.2.4.91', 'JPEG2000', 'JPEG 2000 Image Compression', { lossy: true }),
  ts(
    '1.2.840.10008.1.2.4.92',
    'JPEG2000MCLossless',
    'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)',
  ),
  ts('1.2.840.10008.1.2.4.93', 'JPEG2000MC', 'JPEG 2000 Part 2 Multi-component Image Compression', {
    lossy: true,
  }),
  ts('1.2.840.10008.1.2.4.94', 'JPIPReferenced', 'JPIP Referenced', native),
  ts('1.2.840.10008.1.2.4.95', 'JPIPReferencedDeflate', 'JPIP Referenced Deflate', {
    ...native,
    deflated: true,
  }),
  ts('1.2.840.10008.1.2.4.100', 'MPEG2MPML', 'MPEG2 Main Profile / Main Level', { lossy: true }),
  ts('1.2.840.10008.1.2.4.100.1', 'MPEG2MPMLF', 'Fragmentable MPEG2 Main Profile / Main Level', {
    lossy: true,
  }),
  ts('1.2.840.10008.1.2.4.101', 'MPEG2MPHL', 'MPEG2 Main Profile / High Level', { lossy: true }),
  ts('1.2.840.10008.1.2.4.101.1', 'MPEG2MPHLF', 'Fragmentable MPEG2 Main Profile / High Level', {
    lossy: true,
  }),
  ts('1.2.840.10008.1.2.4.102', 'MPEG4HP41', 'MPEG-4 AVC/H.264 High Profile / Level 4.1', { lossy: true }),
  ts('1.2.840.10008.1.2.4.102.1', 'MPEG4HP41F', 'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1', {
    lossy: true,
  }),
  ts('1.2.840.10008.1.2.4.103', 'MPEG4HP41BD', 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1', {
    lossy: true,
  }),
  ts(
    '1.2.840.10008.1.2.4.103.1',
    'MPEG4HP41BDF',
    'Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1',
    { lossy: true },
  ),
  ts('1.2.840.10008.1.2.4.104', 'MPEG4HP422D', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video', {
    lossy: true,
  }),
  ts(
    '1.2.840.10008.1.2.4.104.1',
    'MPEG4HP422DF',
    'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video',
    { lossy: true },
  ),
  ts('1.2.840.10008.1.2.4.105', 'MPEG4HP423D', 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video', {
    lossy: true,
  }),
  ts(
    '1.2.840.10008.1.2.4.105.1',
    'MPEG4HP423DF',
    'Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video',
    { lossy: true },
  ),
  ts('1.2.840.10008.1.2.4.106', 'MPEG4HP42STEREO', 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2', {
    lossy: true,
  }),
  ts(
    '1.2.840.10008.1.2.4.106.1',
    'MPEG4HP42STEREOF',
    'Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2',
    { lossy: true },
  ),
  ts('1.2.840.10008.1.2.4.107', 'HEVCMP51', 'HEVC/H.265 Main Profile / Level 5.1', { lossy: true }),
  ts('1.2.840.10008.1.2.4.108', 'HEVCM10P51', 'HEVC/H.265 Main 10 Profile / Level 5.1', { lossy: true }),
  ts('1.2.840.10008.1.2.4.110', 'JPEGXLLossless', 'JPEG XL Lossless'),
  ts('1.2.840.10008.1.2.4.111', 'JPEGXLJPEGRecompression', 'JPEG XL JPEG Recompression'),
  ts('1.2.840.10008.1.2.4.112', 'JPEGXL', 'JPEG XL', { lossy: true }),
  ts(
    '1.2.840.10008.1.2.4.201',
    'HTJ2KLossless',
    'High-Throughput JPEG 2000 Image Compression (Lossless Only)',
  ),
  ts(
    '1.2.840.10008.1.2.4.202',
    'HTJ2KLosslessRPCL',
    'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)',
  ),
  ts('1.2.840.10008.1.2.4.203', 'HTJ2K', 'High-Throughput JPEG 2000 Image Compression', { lossy: true }),
  ts('1.2.840.10008.1.2.4.204', 'JPIPHTJ2KReferenced', 'JPIP HTJ2K Referenced', native),
  ts('1.2.840.10008.1.2.4.205', 'JPIPHTJ2KReferencedDeflate', 'JPIP HTJ2K Referenced Deflate', {
    ...native,
    deflated: true,
  }),
  ts('1.2.840.10008.1.2.5', 'RLELossless', 'RLE Lossless'),
  ts('1.2.840.10008.1.2.6.1', 'RFC2557MIMEEncapsulation', 'RFC 2557 MIME encapsulation', {
    ...native,
    retired: true,
  }),
  ts('1.2.840.10008.1.2.6.2', 'XMLEncoding', 'XML Encoding', { ...native, retired: true }),
  ts(
    '1.2.840.10008.1.2.7.1',
    'SMPTEST211020UncompressedProgressiveActiveVideo',
    'SMPTE ST 2110-20 Uncompressed Progressive Active Video',
    native,
  ),
  ts(
    '1.2.840.10008.1.2.7.2',
    'SMPTEST211020UncompressedInterlacedActiveVideo',
    'SMPTE ST 2110-20 Uncompressed Interlaced Active Video',
    native,
  ),
  ts('1.2.840.10008.1.2.7.3', 'SMPTEST211030PCMDigitalAudio', 'SMPTE ST 2110-30 PCM Digital Audio', native),
  ts('1.2.840.10008.1.2.8.1', 'DeflatedImageFrameCompression', 'Deflated Image Frame Compression'),
  ts('1.2.840.10008.1.20', 'Papyrus3ImplicitVRLittleEndian', 'Papyrus 3 Implicit VR Little Endian', {
    ...native,
    explicitVR: false,
    retired: true,
  }),
];

const BY_UID = new Map(TRANSFER_SYNTAXES.map((t) => [t.uid, t]));
const BY_KEYWORD = new Map(TRANSFER_SYNTAXES.map((t) => [t.keyword.toLowerCase(), t]));

export const ImplicitVRLittleEndian = BY_UID.get('1.2.840.10008.1.2')!;
export const ExplicitVRLittleEndian = BY_UID.get('1.2.840.10008.1.2.1')!;
export const ExplicitVRBigEndian = BY_UID.get('1.2.840.10008.1.2.2')!;
export const DeflatedExplicitVRLittleEndian = BY_UID.get('1.2.840.10008.1.2.1.99')!;

/** The transfer syntax with this UID, or undefined. Trailing NUL/space padding is ignored. */
export function transferSyntaxByUid(uid: string): TransferSyntax | undefined {
  return BY_UID.get(uid.replace(/[\0 ]+$/, ''));
}

/** Looks a transfer syntax up by UID or by keyword (case-insensitive), as a user types it. */
export function findTransferSyntax(uidOrKeyword: string): TransferSyntax | undefined {
  return transferSyntaxByUid(uidOrKeyword) ?? BY_KEYWORD.get(uidOrKeyword.toLowerCase());
}

/**
 * Encoding parameters of a UID that is not in the table: PS3.5 §10 says any transfer syntax not
 * named here that a reader does not know is Explicit VR Little Endian with encapsulated pixel data.
 */
export function transferSyntaxOrDefault(uid: string): TransferSyntax {
  const known = transferSyntaxByUid(uid);
  if (known) return known;
  return { ...ts(uid, 'Unknown', `Unknown transfer syntax ${uid}`) };
}

/** Native (not encapsulated) transfer syntaxes that every writer supports. */
export const UNCOMPRESSED_TRANSFER_SYNTAXES: readonly TransferSyntax[] = [
  ImplicitVRLittleEndian,
  ExplicitVRLittleEndian,
  ExplicitVRBigEndian,
  DeflatedExplicitVRLittleEndian,
];
