/**
 * Known private dictionaries (PS3.5 §7.8): the VR, VM and name of a few well-known vendors' private elements,
 * keyed by Private Creator and by (group, low byte of the element), since the block (gggg,xx00–xxFF) a creator
 * gets is chosen by the writer (PS3.5 §7.8.1). Used to give Implicit VR private elements a VR instead of UN.
 *
 * Sources (facts only): dcm4che's dcm4che-dict-priv (org.dcm4che.dict.siemens.SiemensCSAHeader) for the
 * SIEMENS CSA HEADER block; pydicom's `_private_dict.py` (Debian python3-pydicom 2.3.1, itself gathered from the
 * dcmtk and GDCM private dictionaries) for every entry, which the test checks against pydicom and dcmdump.
 */
import type { VR } from '../encoding/vr.js';
import type { Tag } from '../data/tag.js';

export interface PrivateEntry {
  readonly creator: string;
  /** The group and the element's low byte; the high byte is the block the creator reserved. */
  readonly group: number;
  readonly element: number;
  readonly vr: VR;
  readonly vm: string;
  readonly name: string;
}

/** One entry a line: "ggggxxee VR VM name", grouped by Private Creator. */
const TABLE: Record<string, string> = {
  // Siemens syngo CSA headers (MR, CT, …): the CSA image and series headers are binary blobs (OB).
  'SIEMENS CSA HEADER': `
0029xx08 CS 1 CSA Image Header Type
0029xx09 LO 1 CSA Image Header Version
0029xx10 OB 1 CSA Image Header Info
0029xx18 CS 1 CSA Series Header Type
0029xx19 LO 1 CSA Series Header Version
0029xx20 OB 1 CSA Series Header Info`,
  'SIEMENS CSA NON-IMAGE': `
0029xx08 CS 1 CSA Data Type
0029xx09 LO 1 CSA Data Version
0029xx10 OB 1 CSA Data Info
7FE1xx10 OB 1 CSA Data`,
  'SIEMENS MR HEADER': `
0019xx08 CS 1 CSA Image Header Type
0019xx09 LO 1 CSA Image Header Version
0019xx0A US 1 Number Of Images In Mosaic
0019xx0B DS 1 Slice Measurement Duration
0019xx0C IS 1 B Value
0019xx0D CS 1 Diffusion Directionality
0019xx0E FD 3 Diffusion Gradient Direction
0019xx0F SH 1 Gradient Mode
0019xx27 FD 6 B Matrix
0051xx0B SH 1 Acquisition Matrix Text`,
  // GE Medical Systems (Genesis CT and MR).
  GEMS_IDEN_01: `
0009xx01 LO 1 Full Fidelity
0009xx02 SH 1 Suite Id
0009xx04 SH 1 Product Id
0009xx27 SL 1 Image Actual Date
0009xx30 SH 1 Service Id
0009xx31 SH 1 Mobile Location Number
0009xxE6 SH 1 Genesis Version Now
0009xxE7 UL 1 Exam Record Checksum
0009xxE9 SL 1 Actual Series Data Time Stamp`,
  GEMS_PARM_01: `
0043xx10 US 1 Window Value
0043xx11 US 1 Total Input Views
0043xx12 SS 3 X-ray Chain
0043xx13 SS 5 Decon Kernel Parameters
0043xx17 DS 1 IBH Image Scale Factors
0043xx18 DS 3 BBH Coefficients
0043xx1A SL 1 Starting Channel Number
0043xx27 SH 1 Scan Pitch Ratio
0043xx28 OB 1 Unique Image Identifier
0043xx29 OB 1 Histogram Tables
0043xx40 FL 4 Trigger On Position`,
  // Philips MR.
  'Philips Imaging DD 001': `
2001xx01 FL 1 Chemical Shift
2001xx02 IS 1 Chemical Shift Number MR
2001xx03 FL 1 Diffusion B-Factor
2001xx04 CS 1 Diffusion Direction
2001xx08 IS 1 Phase Number
2001xx0A IS 1 Slice Number MR
2001xx0B CS 1 Slice Orientation
2001xx10 CS 1 Cardiac Sync
2001xx1F CS 1 Respiration Sync`,
  // Agfa CR (ADC).
  AGFA: `
0019xx10 SH 1 Private Identification Code
0019xx11 LO 3 Identification Data
0019xx13 LO 1 Sensitometry Name
0019xx14 ST 3 Window/Level List
0019xx15 LO 1 Dose Monitoring List`,
};

let byCreator: Map<string, Map<number, PrivateEntry>> | undefined;

function load(): Map<string, Map<number, PrivateEntry>> {
  const m = new Map<string, Map<number, PrivateEntry>>();
  for (const [creator, lines] of Object.entries(TABLE)) {
    const entries = new Map<number, PrivateEntry>();
    for (const line of lines.trim().split('\n')) {
      const [t, vr, vm, ...name] = line.split(' ') as [string, VR, string, ...string[]];
      const group = parseInt(t.slice(0, 4), 16);
      const element = parseInt(t.slice(6, 8), 16);
      entries.set((group << 8) | element, { creator, group, element, vr, vm, name: name.join(' ') });
    }
    m.set(creator.toUpperCase(), entries);
  }
  return m;
}

/**
 * The known private element `tag` reserved by `creator` (the value of its Private Creator element), or
 * undefined. The creator is compared without trailing spaces or NULs and without regard to case (real files
 * write "Philips Imaging DD 001" and "PHILIPS IMAGING DD 001").
 */
export function lookupPrivate(creator: string | undefined, tag: Tag): PrivateEntry | undefined {
  if (!creator) return undefined;
  byCreator ??= load();
  const entries = byCreator.get(creator.replace(/[\s\0]+$/, '').toUpperCase());
  if (!entries) return undefined;
  const group = tag >>> 16;
  return entries.get((group << 8) | (tag & 0xff));
}

/** Every known private creator. */
export function knownPrivateCreators(): string[] {
  return Object.keys(TABLE);
}
