/**
 * The native reference decoders Debian packages, run on one codestream in a temporary directory and their output
 * read back as samples: `opj_decompress` (OpenJPEG, libopenjp2-tools: JPEG 2000 and HTJ2K; output PGX, one file a
 * component, big endian, signedness in the header), `ojph_expand` (OpenJPH, openjph-tools, the HTJ2K reference
 * implementation; output raw little endian for one component, PPM for three), `djxl` (libjxl-tools, the JPEG XL
 * reference; output PNM, big endian above 8 bits), `djpeg` (libjpeg-turbo-progs; 8-bit PNM).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needCommand } from '@dicomkit/core/test/shared';

/** One component plane as a reference tool wrote it. */
export interface Plane {
  width: number;
  height: number;
  signed: boolean;
  bits: number;
  samples: Int32Array;
}

/** A decoded image: its planes (components), in codestream order. */
export interface ToolImage {
  planes: Plane[];
}

/** Runs `cmd` in a fresh temporary directory holding `input` as `inName`; returns the files it wrote and its stdout. */
function runIn(
  cmd: string,
  args: (dir: string) => string[],
  input: Uint8Array,
  inName: string,
): Map<string, Buffer> & { stdout?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dicomkit-ref-'));
  try {
    writeFileSync(join(dir, inName), input);
    const r = spawnSync(cmd, args(dir), { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${(r.stderr + r.stdout).trim()}`);
    const out: Map<string, Buffer> & { stdout?: string } = new Map<string, Buffer>();
    for (const name of readdirSync(dir).sort())
      if (name !== inName) out.set(name, readFileSync(join(dir, name)));
    out.stdout = r.stdout;
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads big- or little-endian samples of 1, 2 or 4 bytes. */
function readSamples(
  b: Buffer,
  at: number,
  count: number,
  bytes: number,
  signed: boolean,
  bigEndian: boolean,
): Int32Array {
  if (b.length - at < count * bytes)
    throw new Error(`${b.length - at} bytes of samples, ${count * bytes} expected`);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const o = at + i * bytes;
    if (bytes === 1) out[i] = signed ? b.readInt8(o) : b[o]!;
    else if (bytes === 2)
      out[i] = bigEndian
        ? signed
          ? b.readInt16BE(o)
          : b.readUInt16BE(o)
        : signed
          ? b.readInt16LE(o)
          : b.readUInt16LE(o);
    else out[i] = bigEndian ? b.readInt32BE(o) : b.readInt32LE(o);
  }
  return out;
}

/** A PGX file (ISO 15444-4): `PG ML|LM [+|-] depth width height` then the samples. */
export function readPgx(b: Buffer): Plane {
  const nl = b.indexOf(0x0a);
  const m = /^PG\s+(ML|LM)\s*([+-]?)\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(b.subarray(0, nl).toString('latin1'));
  if (!m) throw new Error(`not a PGX header: ${b.subarray(0, 40).toString('latin1')}`);
  const bits = Number(m[3]);
  const width = Number(m[4]);
  const height = Number(m[5]);
  const signed = m[2] === '-';
  const bytes = bits <= 8 ? 1 : bits <= 16 ? 2 : 4;
  return {
    width,
    height,
    signed,
    bits,
    samples: readSamples(b, nl + 1, width * height, bytes, signed, m[1] === 'ML'),
  };
}

/** A binary PGM or PPM (P5/P6): samples big endian when maxval > 255; PPM planes split out. */
export function readPnm(b: Buffer): ToolImage {
  // Header: magic, width, height, maxval, separated by whitespace (and comments), then one whitespace byte.
  const fields: string[] = [];
  let i = 0;
  while (fields.length < 4) {
    while (/\s/.test(String.fromCharCode(b[i]!))) i++;
    if (b[i] === 0x23) {
      while (b[i] !== 0x0a) i++;
      continue;
    }
    const start = i;
    while (!/\s/.test(String.fromCharCode(b[i]!))) i++;
    fields.push(b.subarray(start, i).toString('latin1'));
  }
  i++;
  const [magic, w, h, max] = fields;
  const components = magic === 'P6' ? 3 : magic === 'P5' ? 1 : 0;
  if (!components) throw new Error(`not a binary PNM: ${magic}`);
  const width = Number(w);
  const height = Number(h);
  const maxval = Number(max);
  const bits = Math.ceil(Math.log2(maxval + 1));
  const all = readSamples(b, i, width * height * components, maxval > 255 ? 2 : 1, false, true);
  const planes: Plane[] = [];
  for (let c = 0; c < components; c++) {
    const samples = new Int32Array(width * height);
    for (let k = 0; k < samples.length; k++) samples[k] = all[k * components + c]!;
    planes.push({ width, height, signed: false, bits, samples });
  }
  return { planes };
}

/** `opj_decompress` on a J2K (or HTJ2K) codestream, or a JP2 file when `jp2`. */
export function opjDecompress(codestream: Uint8Array, jp2 = false): ToolImage {
  const inName = jp2 ? 'in.jp2' : 'in.j2k';
  const files = runIn(
    'opj_decompress',
    (dir) => ['-quiet', '-i', join(dir, inName), '-o', join(dir, 'out.pgx')],
    codestream,
    inName,
  );
  // One PGX a component: out_0.pgx, out_1.pgx, ... (sorted by number, not as text).
  const names = [...files.keys()].filter((n) => n.endsWith('.pgx'));
  names.sort((a, b) => Number(/(\d+)\.pgx$/.exec(a)![1]) - Number(/(\d+)\.pgx$/.exec(b)![1]));
  if (names.length === 0) throw new Error('opj_decompress wrote no PGX');
  return { planes: names.map((n) => readPgx(files.get(n)!)) };
}

/**
 * `ojph_expand` on an HTJ2K codestream. One component: raw output (little endian above 8 bits; the signedness, which
 * raw does not record, is given); three components: PPM (unsigned).
 */
export function ojphExpand(codestream: Uint8Array, components: number, signed = false, bits = 8): ToolImage {
  const outName = components === 1 ? 'out.raw' : 'out.ppm';
  const files = runIn(
    'ojph_expand',
    (dir) => ['-i', join(dir, 'in.j2c'), '-o', join(dir, outName)],
    codestream,
    'in.j2c',
  );
  const out = files.get(outName);
  if (!out) throw new Error('ojph_expand wrote nothing');
  if (components !== 1) return readPnm(out);
  const bytes = bits > 8 ? 2 : 1;
  const count = out.length / bytes;
  return {
    planes: [
      { width: count, height: 1, signed, bits, samples: readSamples(out, 0, count, bytes, signed, false) },
    ],
  };
}

/** `djxl` on a JPEG XL codestream, to pixels. */
export function djxl(codestream: Uint8Array): ToolImage {
  const files = runIn(
    'djxl',
    (dir) => [join(dir, 'in.jxl'), join(dir, 'out.ppm'), '--num_threads=1', '--quiet'],
    codestream,
    'in.jxl',
  );
  // djxl picks its writer by extension: .ppm, which holds a P5 (grey) or P6 (colour) image.
  const out = files.get('out.ppm');
  if (!out) throw new Error('djxl wrote nothing');
  return readPnm(out);
}

/** `cjxl` on a PNM image: a JPEG XL codestream (`distance` 0 is lossless). */
export function cjxl(pnm: Uint8Array, distance: number): Uint8Array {
  const files = runIn(
    'cjxl',
    (dir) => [
      join(dir, 'in.pnm'),
      join(dir, 'out.jxl'),
      `--distance=${distance}`,
      '--num_threads=1',
      '--quiet',
    ],
    pnm,
    'in.pnm',
  );
  const out = files.get('out.jxl');
  if (!out) throw new Error('cjxl wrote nothing');
  return new Uint8Array(out);
}

/** The two harnesses in fixtures/ and what they need: Debian packages no command-line decoder comes with. */
const HARNESSES = {
  'charls-decode': {
    source: 'charls-decode.c',
    compiler: 'cc',
    header: '/usr/include/charls/charls.h',
    lib: '-lcharls',
  },
  'ojph-decode': {
    source: 'ojph-decode.cpp',
    compiler: 'g++',
    header: '/usr/include/openjph/ojph_codestream.h',
    lib: '-lopenjph',
  },
} as const;
export type HarnessName = keyof typeof HARNESSES;

/** A skip reason when a harness cannot be built here (no compiler or no library headers), else false. */
export function needHarness(name: HarnessName): string | false {
  const h = HARNESSES[name];
  if (!existsSync(h.header)) {
    const msg = `${h.header} is not installed (the ${name} harness needs it): skipped`;
    console.log(`# SKIP ${msg}`);
    return msg;
  }
  return needCommand(h.compiler);
}

let harnessDir: string | undefined;
const built = new Map<HarnessName, string>();

/** Compiles a harness from test/fixtures once per process (into a temporary directory removed at exit). */
export function harness(name: HarnessName): string {
  const done = built.get(name);
  if (done) return done;
  if (!harnessDir) {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-harness-'));
    harnessDir = dir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const h = HARNESSES[name];
  const exe = join(harnessDir, name);
  const source = fileURLToPath(new URL(`../../test/fixtures/${h.source}`, import.meta.url));
  const r = spawnSync(h.compiler, ['-O1', '-o', exe, source, h.lib], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cannot build ${name}: ${r.stderr}`);
  built.set(name, exe);
  return exe;
}

/** Runs a harness (IN OUT, a header line on stdout) on `input`; returns the header's numbers and the output file. */
function runHarness(name: HarnessName, input: Uint8Array): { header: number[]; out: Buffer } {
  const exe = harness(name);
  const files = runIn(exe, (dir) => [join(dir, 'in.bin'), join(dir, 'out.raw')], input, 'in.bin');
  return { header: files.stdout!.trim().split(' ').map(Number), out: files.get('out.raw')! };
}

/**
 * OpenJPH's library on an HTJ2K codestream (fixtures/ojph-decode.cpp): every sample as decoded, signed ones too
 * (ojph_expand clamps negative samples to 0 when it writes PGM/PPM/raw).
 */
export function ojphDecode(codestream: Uint8Array): ToolImage {
  const { header, out } = runHarness('ojph-decode', codestream);
  const [width, height, components, bits, signed] = header as [number, number, number, number, number];
  const all = readSamples(out, 0, width * height * components, 4, true, false);
  const planes: Plane[] = [];
  for (let c = 0; c < components; c++) {
    const samples = new Int32Array(width * height);
    for (let k = 0; k < samples.length; k++) samples[k] = all[k * components + c]!;
    planes.push({ width, height, signed: signed === 1, bits, samples });
  }
  return { planes };
}

/** The CharLS harness on a JPEG-LS stream: planes (the output is planar for interleave mode 0, else by pixel). */
export function charlsDecode(stream: Uint8Array): ToolImage & { near: number } {
  const { header, out } = runHarness('charls-decode', stream);
  const [width, height, bits, components, mode, near] = header as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const n = width * height;
  const all = readSamples(out, 0, n * components, bits > 8 ? 2 : 1, false, false);
  const planes: Plane[] = [];
  for (let c = 0; c < components; c++) {
    const samples = new Int32Array(n);
    for (let k = 0; k < n; k++) samples[k] = mode === 0 ? all[c * n + k]! : all[k * components + c]!;
    planes.push({ width, height, signed: false, bits, samples });
  }
  return { planes, near };
}

/** `ojph_compress` (reversible) on a PPM/PGM image: an HTJ2K codestream, with or without the colour transform. */
export function ojphCompress(pnm: Uint8Array, colourTransform: boolean): Uint8Array {
  const inName = pnm[1] === 0x36 ? 'in.ppm' : 'in.pgm'; // it insists on the extension that matches P6/P5
  const files = runIn(
    'ojph_compress',
    (dir) => [
      '-i',
      join(dir, inName),
      '-o',
      join(dir, 'out.j2c'),
      '-reversible',
      'true',
      '-colour_trans',
      String(colourTransform),
    ],
    pnm,
    inName,
  );
  return new Uint8Array(files.get('out.j2c')!);
}

/** `opj_compress` (lossless) on a PPM/PGM image: a J2K codestream, with or without the multiple component transform. */
export function opjCompress(pnm: Uint8Array, mct: boolean): Uint8Array {
  const files = runIn(
    'opj_compress',
    (dir) => ['-i', join(dir, 'in.pnm'), '-o', join(dir, 'out.j2k'), '-mct', mct ? '1' : '0'],
    pnm,
    'in.pnm',
  );
  return new Uint8Array(files.get('out.j2k')!);
}

/** `djpeg` on an 8-bit JPEG: PNM. */
export function djpeg(jpeg: Uint8Array): ToolImage {
  const files = runIn(
    'djpeg',
    (dir) => ['-pnm', '-outfile', join(dir, 'out.pnm'), join(dir, 'in.jpg')],
    jpeg,
    'in.jpg',
  );
  return readPnm(files.get('out.pnm')!);
}

/** A binary PGM/PPM of interleaved samples (big endian above 8 bits), as input for the encoders. */
export function writePnm(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  components: number,
  bits: number,
): Uint8Array {
  const maxval = 2 ** bits - 1;
  const head = Buffer.from(`${components === 3 ? 'P6' : 'P5'}\n${width} ${height}\n${maxval}\n`, 'latin1');
  const bytes = maxval > 255 ? 2 : 1;
  const body = Buffer.alloc(samples.length * bytes);
  for (let i = 0; i < samples.length; i++)
    if (bytes === 2) body.writeUInt16BE(samples[i]!, i * 2);
    else body[i] = samples[i]!;
  return new Uint8Array(Buffer.concat([head, body]));
}

/** The planes interleaved (colour-by-pixel), when they all have one size. */
export function interleaved(img: ToolImage): Int32Array {
  const n = img.planes.length;
  const first = img.planes[0]!;
  if (img.planes.some((p) => p.samples.length !== first.samples.length))
    throw new Error('the components have different sizes');
  const out = new Int32Array(first.samples.length * n);
  img.planes.forEach((p, c) => {
    for (let k = 0; k < p.samples.length; k++) out[k * n + c] = p.samples[k]!;
  });
  return out;
}

/** The largest absolute difference between two sample arrays (−1 when their lengths differ). */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -1;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
