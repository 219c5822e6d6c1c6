/**
 * Tags as unsigned 32-bit numbers: (group << 16) | element (PS3.5 §7.1).
 */

export type Tag = number;

export function tag(group: number, element: number): Tag {
  return ((group << 16) | element) >>> 0;
}

export function tagGroup(t: Tag): number {
  return t >>> 16;
}

export function tagElement(t: Tag): number {
  return t & 0xffff;
}

const HEX = '0123456789ABCDEF';
function hex4(n: number): string {
  return HEX[(n >> 12) & 15]! + HEX[(n >> 8) & 15]! + HEX[(n >> 4) & 15]! + HEX[n & 15]!;
}

/** "(0010,0010)" */
export function formatTag(t: Tag): string {
  return `(${hex4(t >>> 16)},${hex4(t & 0xffff)})`;
}

/** "00100010", the form PS3.18 JSON uses for keys. */
export function tagHex(t: Tag): string {
  return hex4(t >>> 16) + hex4(t & 0xffff);
}

/** Parses "00100010", "(0010,0010)", "0010,0010" or "0x00100010". */
export function parseTagString(s: string): Tag | undefined {
  const m = /^\(?(?:0x)?([0-9a-fA-F]{4}),?([0-9a-fA-F]{4})\)?$/.exec(s.trim());
  if (!m) return undefined;
  return tag(parseInt(m[1]!, 16), parseInt(m[2]!, 16));
}

/** Private tags have an odd group number other than 0001, 0003, 0005, 0007, FFFF (PS3.5 §7.8.1). */
export function isPrivateTag(t: Tag): boolean {
  const g = t >>> 16;
  return (g & 1) === 1 && g > 0x0007 && g !== 0xffff;
}

/** Private Creator Data Elements are (gggg,0010)-(gggg,00FF) in a private group (PS3.5 §7.8.1). */
export function isPrivateCreator(t: Tag): boolean {
  const e = t & 0xffff;
  return isPrivateTag(t) && e >= 0x0010 && e <= 0x00ff;
}

/** The tag of the Private Creator that reserves the block holding private tag t: (gggg,00xx) for (gggg,xxyy). */
export function privateCreatorTagFor(t: Tag): Tag {
  return (((t >>> 16) << 16) | ((t & 0xff00) >>> 8)) >>> 0;
}

/** Group length tags (gggg,0000). */
export function isGroupLength(t: Tag): boolean {
  return (t & 0xffff) === 0;
}

export const ItemTag: Tag = 0xfffee000;
export const ItemDelimitationTag: Tag = 0xfffee00d;
export const SequenceDelimitationTag: Tag = 0xfffee0dd;
export const PixelDataTag: Tag = 0x7fe00010;
export const FloatPixelDataTag: Tag = 0x7fe00008;
export const DoubleFloatPixelDataTag: Tag = 0x7fe00009;
export const SpecificCharacterSetTag: Tag = 0x00080005;
export const ExtendedOffsetTableTag: Tag = 0x7fe00001;
export const ExtendedOffsetTableLengthsTag: Tag = 0x7fe00002;

/** Undefined length, 0xFFFFFFFF (PS3.5 §7.1.1). */
export const UNDEFINED_LENGTH = 0xffffffff;
