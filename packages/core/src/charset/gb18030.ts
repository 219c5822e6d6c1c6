/**
 * GB18030 and GBK (PS3.3 Table C.12-5: multi-byte without code extensions). Decoding is the WHATWG
 * 'gb18030' and 'gbk' decoders; encoding uses reverse tables built on first use by decoding the code space:
 * the 23,940 two-byte codes (lead 0x81–0xFE, trail 0x40–0x7E or 0x80–0xFE), and for GB18030 the four-byte
 * codes of the BMP (pointers 0–39,419) and the linear four-byte range of the supplementary planes
 * (pointer 189,000 + code point − 0x10000), as the WHATWG Encoding Standard §11 defines them.
 */

let twoByte: Map<number, number> | undefined;
let fourByteBmp: Map<number, number> | undefined;

/** Code point → two-byte code (lead << 8 | trail). */
function twoByteTable(): Map<number, number> {
  if (twoByte) return twoByte;
  // Each code is followed by LF so that a code the decoder rejects (which may give back its ASCII trail
  // byte) cannot shift the ones after it.
  const codes: number[] = [];
  for (let lead = 0x81; lead <= 0xfe; lead++)
    for (let trail = 0x40; trail <= 0xfe; trail++) if (trail !== 0x7f) codes.push((lead << 8) | trail);
  const bytes = new Uint8Array(codes.length * 3);
  codes.forEach((c, i) => {
    bytes[3 * i] = c >> 8;
    bytes[3 * i + 1] = c & 0xff;
    bytes[3 * i + 2] = 0x0a;
  });
  const parts = new TextDecoder('gb18030').decode(bytes).split('\n');
  const m = new Map<number, number>();
  codes.forEach((c, i) => {
    const s = parts[i] ?? '';
    const cp = s.codePointAt(0) ?? 0xfffd;
    if (s.length === (cp > 0xffff ? 2 : 1) && cp !== 0xfffd && !m.has(cp)) m.set(cp, c);
  });
  return (twoByte = m);
}

function fourBytes(pointer: number, out: number[]): void {
  out.push(
    0x81 + Math.floor(pointer / 12600),
    0x30 + (Math.floor(pointer / 1260) % 10),
    0x81 + (Math.floor(pointer / 10) % 126),
    0x30 + (pointer % 10),
  );
}

/** BMP code point → four-byte pointer. */
function fourByteBmpTable(): Map<number, number> {
  if (fourByteBmp) return fourByteBmp;
  const n = 39420;
  const bytes: number[] = [];
  for (let p = 0; p < n; p++) fourBytes(p, bytes);
  const text = new TextDecoder('gb18030').decode(Uint8Array.from(bytes));
  const m = new Map<number, number>();
  if (text.length === n)
    for (let p = 0; p < n; p++) if (!m.has(text.charCodeAt(p))) m.set(text.charCodeAt(p), p);
  return (fourByteBmp = m);
}

/** Encodes text in GB18030 (every code point) or GBK (ASCII and the two-byte codes), or the first code point that is not encodable. */
export function encodeGb(text: string, gbk: boolean): { bytes: Uint8Array } | { unencodable: number } {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    const two = twoByteTable().get(cp);
    if (two !== undefined) {
      out.push(two >> 8, two & 0xff);
      continue;
    }
    if (gbk) return { unencodable: cp };
    if (cp > 0xffff) {
      fourBytes(189000 + cp - 0x10000, out);
      continue;
    }
    const p = fourByteBmpTable().get(cp);
    if (p === undefined) return { unencodable: cp };
    fourBytes(p, out);
  }
  return { bytes: Uint8Array.from(out) };
}
