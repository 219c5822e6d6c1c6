/**
 * A small, strict XML 1.0 reader for what the Native DICOM Model (PS3.19 Annex A) uses: elements, attributes,
 * text, the five predefined entities and numeric character references, CDATA sections, comments, processing
 * instructions and the XML declaration. No DOCTYPE (so no entity expansion), no external anything. Iterative,
 * with the depth and the size capped; every problem is a DicomError 'INVALID_XML' with the character offset,
 * and the line and column in the message.
 */
import { DicomError } from '../errors.js';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  /** Character offset of the start tag. */
  offset: number;
}

export type XmlNode = XmlElement | string;

export interface XmlReadOptions {
  /** Deepest element nesting accepted (default 512). */
  maxDepth?: number;
  /** Longest input accepted, in characters (default 1 GiB). */
  maxLength?: number;
}

const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const SPACE = /[ \t\r\n]*/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function lineCol(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return `line ${line}, column ${offset - last}`;
}

function isXmlChar(c: number): boolean {
  return (
    c === 0x9 ||
    c === 0xa ||
    c === 0xd ||
    (c >= 0x20 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}

const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;

class Reader {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw new DicomError('INVALID_XML', `${message} (${lineCol(this.text, at)})`, { offset: at });
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  skipSpace(): void {
    SPACE.lastIndex = this.pos;
    SPACE.exec(this.text);
    this.pos = SPACE.lastIndex;
  }

  name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.text);
    if (!m) this.fail('a name was expected');
    this.pos = NAME.lastIndex;
    return m[0];
  }

  until(end: string, what: string): string {
    const i = this.text.indexOf(end, this.pos);
    if (i < 0) this.fail(`${what} is not closed with "${end}"`);
    const s = this.text.slice(this.pos, i);
    this.pos = i + end.length;
    return s;
  }

  /** Replaces entity and character references in text or an attribute value. */
  decode(raw: string, at: number): string {
    const bad = CONTROL.exec(raw);
    if (bad)
      this.fail(
        `character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0')} is not allowed in XML`,
        at + bad.index,
      );
    // Line ends are normalised to LF (XML 1.0 §2.11); a CR that matters is written as &#13;.
    if (raw.includes('\r')) raw = raw.replace(/\r\n?/g, '\n');
    if (!raw.includes('&')) return raw;
    return raw.replace(/&([^;&]*)(;?)/g, (m: string, ref: string, semi: string, i: number) => {
      if (!semi) this.fail('"&" must start an entity or character reference', at + i);
      if (ref.startsWith('#')) {
        const hex = ref[1] === 'x';
        const digits = ref.slice(hex ? 2 : 1);
        if (!(hex ? /^[0-9A-Fa-f]{1,6}$/ : /^[0-9]{1,7}$/).test(digits))
          this.fail(`bad character reference "${m}"`, at + i);
        const c = parseInt(digits, hex ? 16 : 10);
        if (!isXmlChar(c)) this.fail(`character reference "${m}" names no XML character`, at + i);
        return String.fromCodePoint(c);
      }
      const v = PREDEFINED[ref];
      if (v === undefined) this.fail(`unknown entity "${m}"`, at + i);
      return v;
    });
  }
}

/** Parses an XML document into its root element. */
export function parseXml(text: string, options: XmlReadOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? 512;
  const maxLength = options.maxLength ?? 1 << 30;
  if (text.length > maxLength)
    throw new DicomError(
      'INVALID_XML',
      `the document is ${text.length} characters, more than the ${maxLength} accepted`,
      { offset: maxLength },
    );
  const r: Reader = new Reader(text);
  if (text.charCodeAt(0) === 0xfeff) r.pos = 1;
  if (r.startsWith('<?xml') && /[ \t\r\n?]/.test(text[r.pos + 5] ?? '')) {
    const decl = r.until('?>', 'the XML declaration');
    const enc = /encoding\s*=\s*["']([^"']*)["']/.exec(decl);
    if (enc && !/^utf-?8$/i.test(enc[1]!))
      r.fail(`the document says encoding="${enc[1]}"; only UTF-8 text is read (decode it first)`, 0);
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const appendText = (s: string): void => {
    const top = stack[stack.length - 1]!;
    const last = top.children.length - 1;
    if (last >= 0 && typeof top.children[last] === 'string')
      top.children[last] = (top.children[last] as string) + s;
    else top.children.push(s);
  };
  while (r.pos < text.length) {
    const at = r.pos;
    if (text.charCodeAt(at) !== 0x3c /* < */) {
      let end = text.indexOf('<', at);
      if (end < 0) end = text.length;
      const raw = text.slice(at, end);
      r.pos = end;
      if (stack.length === 0) {
        if (/[^ \t\r\n]/.test(raw)) r.fail('text outside the root element', at);
        continue;
      }
      appendText(r.decode(raw, at));
      continue;
    }
    if (r.startsWith('<!--')) {
      r.pos += 4;
      const body = r.until('-->', 'a comment');
      if (body.includes('--')) r.fail('"--" inside a comment', at);
      continue;
    }
    if (r.startsWith('<![CDATA[')) {
      if (stack.length === 0) r.fail('CDATA outside the root element', at);
      r.pos += 9;
      const body = r.until(']]>', 'a CDATA section');
      appendText(r.decode(body.replace(/&/g, '&amp;'), at + 9));
      continue;
    }
    if (r.startsWith('<!')) r.fail('DOCTYPE and other declarations are not accepted', at);
    if (r.startsWith('<?')) {
      r.pos += 2;
      const target = r.name();
      if (target.toLowerCase() === 'xml') r.fail('the XML declaration must come first', at);
      r.until('?>', 'a processing instruction');
      continue;
    }
    if (r.startsWith('</')) {
      r.pos += 2;
      const name = r.name();
      r.skipSpace();
      if (text[r.pos] !== '>') r.fail('">" expected to close an end tag');
      r.pos++;
      const top = stack.pop();
      if (!top) r.fail(`end tag </${name}> without a start tag`, at);
      if (top.name !== name) r.fail(`end tag </${name}> does not match <${top.name}>`, at);
      continue;
    }
    // A start tag.
    r.pos++;
    const el: XmlElement = {
      name: r.name(),
      attributes: Object.create(null) as Record<string, string>,
      children: [],
      offset: at,
    };
    for (;;) {
      const before = r.pos;
      r.skipSpace();
      const c = text[r.pos];
      if (c === '>' || c === '/') break;
      if (c === undefined) r.fail(`<${el.name}> is not closed`, at);
      if (r.pos === before) r.fail('a space is needed between attributes');
      const aname = r.name();
      r.skipSpace();
      if (text[r.pos] !== '=') r.fail(`"=" expected after attribute ${aname}`);
      r.pos++;
      r.skipSpace();
      const q = text[r.pos];
      if (q !== '"' && q !== "'") r.fail(`attribute ${aname} needs a quoted value`);
      r.pos++;
      const vstart = r.pos;
      const raw = r.until(q, `the value of attribute ${aname}`);
      if (raw.includes('<')) r.fail(`"<" in the value of attribute ${aname}`, vstart);
      if (Object.prototype.hasOwnProperty.call(el.attributes, aname))
        r.fail(`attribute ${aname} appears twice`, before);
      el.attributes[aname] = r.decode(raw, vstart);
    }
    const selfClosing = text[r.pos] === '/';
    if (selfClosing) {
      if (text[r.pos + 1] !== '>') r.fail('">" expected after "/"');
      r.pos += 2;
    } else r.pos++;
    if (stack.length === 0) {
      if (root) r.fail('a second root element', at);
      root = el;
    } else stack[stack.length - 1]!.children.push(el);
    if (!selfClosing) {
      if (stack.length >= maxDepth) r.fail(`elements nested deeper than ${maxDepth}`, at);
      stack.push(el);
    }
  }
  if (stack.length)
    r.fail(`<${stack[stack.length - 1]!.name}> is not closed`, stack[stack.length - 1]!.offset);
  if (!root) r.fail('no root element', 0);
  return root;
}

/** Escapes text for element content or a double-quoted attribute value. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"\r]/g, (c) =>
    c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : c === '"' ? '&quot;' : '&#13;',
  );
}
