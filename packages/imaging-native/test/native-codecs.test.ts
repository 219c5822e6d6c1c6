/**
 * The native JPEG 2000 / HTJ2K decoders (OpenJPEG and OpenJPH through Node-API) against the WASM decoders of
 * @dicomkit/imaging, frame by frame on every such file of the corpus; the same through the isolating process pool;
 * and the pool's promise: codestreams that crash or hang OpenJPH 0.9 (found by fuzzing it, kept in fixtures/) fail
 * that frame with a typed error while the caller's process, and the pool, go on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { isDicomError } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import {
  frameSource,
  getCodec,
  getFrame,
  pixelDescription,
  TS,
  type FrameCodec,
  type PixelDescription,
} from '@dicomkit/imaging';
import { inventory, needTestdata } from '@dicomkit/core/test/shared';
import {
  createNativeCodecPool,
  loadAddon,
  nativeFrameCodec,
  registerNativeCodecs,
  type NativeAddon,
} from '../src/index.js';

const fixture = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url)));

/** The native module (in tests that run only when it is built). */
function addon(): NativeAddon {
  const a = loadAddon();
  if (a instanceof Error) throw a;
  return a;
}

function needNative(): string | false {
  const a = loadAddon();
  if (!(a instanceof Error)) return false;
  const msg = `native codecs not built (${a.message}): skipped`;
  console.log(`# SKIP ${msg}`);
  return msg;
}

const base = {
  highBit: 0,
  planarConfiguration: 0,
  numberOfFrames: 1,
  float: false,
  pixelDataTag: 0x7fe00010,
};
const GRAY: PixelDescription = {
  ...base,
  rows: 40,
  columns: 48,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 16,
  highBit: 15,
  pixelRepresentation: 1,
  photometricInterpretation: 'MONOCHROME2',
};
const RGB: PixelDescription = {
  ...base,
  rows: 24,
  columns: 32,
  samplesPerPixel: 3,
  bitsAllocated: 8,
  bitsStored: 8,
  highBit: 7,
  pixelRepresentation: 0,
  photometricInterpretation: 'RGB',
};

const sha = (a: ArrayBufferView): string =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

/** Outcome of one decode: the samples' hash and photometric, or the error code. */
async function outcome(codec: FrameCodec, bytes: Uint8Array, d: PixelDescription): Promise<string> {
  try {
    const r = await codec.decode(bytes, d);
    return `${sha(r.pixels)} ${r.pixels.constructor.name} ${r.photometricInterpretation ?? '-'}`;
  } catch (e) {
    assert.ok(isDicomError(e) || e instanceof Error, `untyped failure ${String(e)}`);
    return 'error';
  }
}

const J2K_FAMILY = new Set<string>([TS.JPEG2000Lossless, TS.JPEG2000]);
const HTJ2K_FAMILY = new Set<string>([TS.HTJ2KLossless, TS.HTJ2KLosslessRPCL, TS.HTJ2K]);
/** The WASM codecs, taken before any test registers the native ones in their place. */
const WASM = new Map<string, FrameCodec>();
for (const uid of [...J2K_FAMILY, ...HTJ2K_FAMILY]) WASM.set(uid, await getCodec(uid));

test(
  'native decoders give the WASM decoders’ frames on every JPEG 2000 and HTJ2K file of the corpus',
  { skip: needTestdata() || needNative(), timeout: 300_000 },
  async () => {
    const lib = addon();
    const rows = inventory().filter(
      (r) => r.kind === 'dicom' && !r.dup_of && (J2K_FAMILY.has(r.ts_uid!) || HTJ2K_FAMILY.has(r.ts_uid!)),
    );
    assert.ok(rows.length >= 20, `only ${rows.length} files`);
    let frames = 0;
    let bothFail = 0;
    const differ: string[] = [];
    for (const row of rows) {
      const f = readDicomFileSync(row.abs, { bulkDataThreshold: Infinity });
      const uid = f.transferSyntax.uid;
      const wasm = WASM.get(uid)!;
      const native = nativeFrameCodec(
        'native',
        J2K_FAMILY.has(uid) ? lib.decodeJpeg2000 : lib.decodeHtj2k,
        undefined,
      );
      let d: PixelDescription;
      try {
        d = pixelDescription(f.dataset);
      } catch {
        continue; // no usable pixel description: nothing to decode (the imaging tests cover these files)
      }
      for (let i = 0; i < Math.min(d.numberOfFrames, 4); i++) {
        let bytes: Uint8Array;
        try {
          const src = frameSource(f.dataset, f.transferSyntax, i);
          if (src.kind !== 'encapsulated') break;
          bytes = src.bytes;
        } catch {
          break;
        }
        const [a, b] = [await outcome(wasm, bytes, d), await outcome(native, bytes, d)];
        if (a === 'error' && b === 'error') bothFail++;
        else if (a !== b) differ.push(`${row.path} frame ${i + 1}: wasm ${a} / native ${b}`);
        else frames++;
      }
    }
    console.log(`# ${rows.length} files: ${frames} frames equal, ${bothFail} refused by both`);
    assert.deepEqual(differ, []);
    assert.ok(frames >= 25, `${frames} frames compared`);
  },
);

test(
  'a codestream that disagrees with the dataset is refused before decoding',
  { skip: needNative() },
  async () => {
    const codec = nativeFrameCodec('native', addon().decodeHtj2k, undefined);
    await assert.rejects(
      async () => codec.decode(fixture('gray-48x40.j2c'), { ...GRAY, rows: 4000, columns: 4000 }),
      /the codestream holds 48×40×1; the dataset says 4000×4000×1/,
    );
    const j2k = nativeFrameCodec('native', addon().decodeJpeg2000, undefined);
    await assert.rejects(async () => j2k.decode(new Uint8Array([0xff, 0x4f, 0xff, 0x51]), GRAY), Error);
  },
);

test(
  'registerNativeCodecs: getFrame decodes natively, encoding still works through the WASM encoder',
  { skip: needNative() },
  async () => {
    registerNativeCodecs({ htj2k: true });
    const codec = await getCodec(TS.HTJ2KLossless);
    assert.equal(codec.name, 'OpenJPH (native)');
    assert.equal((await getCodec(TS.JPEG2000)).name, 'OpenJPEG (native)');
    const gray = await codec.decode(fixture('gray-48x40.j2c'), GRAY);
    const rgb = await codec.decode(fixture('rgb-32x24.j2c'), RGB);
    assert.equal(gray.pixels.length, 48 * 40);
    assert.equal(rgb.photometricInterpretation, 'RGB'); // encoded with the reversible colour transform
    // Encoding: the replaced WASM codec serves it; the result decodes natively to the same samples.
    const enc = await codec.encode!(gray.pixels, GRAY, {});
    assert.deepEqual((await codec.decode(enc.bytes, GRAY)).pixels, gray.pixels);
    const j2k = await getCodec(TS.JPEG2000Lossless);
    const encJ2k = await j2k.encode!(rgb.pixels, RGB, {});
    assert.deepEqual((await j2k.decode(encJ2k.bytes, RGB)).pixels, rgb.pixels);
    // …and what the WASM encoder refuses is refused, not trapped.
    await assert.rejects(
      async () =>
        j2k.encode!(new Uint16Array(32 * 24 * 3), { ...RGB, bitsAllocated: 16, bitsStored: 16 }, {}),
      (e: unknown) => isDicomError(e, 'UNSUPPORTED_TRANSFER_SYNTAX'),
    );
  },
);

test(
  'native codec pool: codestreams that abort or fault OpenJPH, and a frame that never ends, fail alone; the pool and this process go on',
  { skip: needNative(), timeout: 120_000 },
  async () => {
    const pool = createNativeCodecPool({
      processes: 2,
      frameTimeoutMs: 3000,
      childModules: [new URL('../../test/fixtures/endless-codec.mjs', import.meta.url).href],
    });
    try {
      const good = await pool.decode(TS.HTJ2KLossless, fixture('gray-48x40.j2c'), GRAY);
      const crashers: [string, PixelDescription, RegExp][] = [
        ['gray-48x40-abort.j2c', GRAY, /ended \(SIGABRT\)/],
        ['rgb-32x24-abort.j2c', RGB, /ended \(SIGABRT\)/],
        ['rgb-32x24-segv.j2c', RGB, /ended \(SIGSEGV\)/],
        ['gray-48x40-segv.j2c', GRAY, /ended \(SIGSEGV\)/],
      ];
      for (const [name, d, why] of crashers) {
        await assert.rejects(
          pool.decode(TS.HTJ2KLossless, fixture(name), d),
          (e: unknown) => isDicomError(e, 'INVALID_VALUE') && why.test(e.message),
          name,
        );
        // The next frame decodes in a fresh process, to the same samples as before.
        assert.deepEqual(
          (await pool.decode(TS.HTJ2KLossless, fixture('gray-48x40.j2c'), GRAY)).pixels,
          good.pixels,
        );
      }
      // A frame that never finishes (a test codec that loops): stopped by the watchdog, a typed error.
      await assert.rejects(
        pool.decode('1.2.826.0.1.3680043.10.1443.999.1', new Uint8Array(8), GRAY),
        (e: unknown) => isDicomError(e, 'INVALID_VALUE') && /took longer than 3000 ms/.test(e.message),
      );
      assert.deepEqual(
        (await pool.decode(TS.HTJ2KLossless, fixture('gray-48x40.j2c'), GRAY)).pixels,
        good.pixels,
      );
      // The same codestreams through the in-process WASM decoder: typed errors or pixels, never a crash or a hang.
      for (const [name, d] of crashers) await outcome(WASM.get(TS.HTJ2KLossless)!, fixture(name), d);
    } finally {
      await pool.close();
    }
  },
);

test(
  'native codec pool: frames of corpus files equal getFrame, every frame, in order',
  { skip: needTestdata() || needNative(), timeout: 120_000 },
  async () => {
    const pool = createNativeCodecPool({ processes: 2 });
    try {
      for (const path of [
        'pydicom-data/US1_J2KR.dcm',
        'pydicom-data/HTJ2KLossless_08_RGB.dcm',
        'pylibjpeg-data/ds/JPEG2000Lossless/TOSHIBA_J2K_SIZ0_PixRep1.dcm',
      ]) {
        const f = readDicomFileSync(`${inventory().find((r) => r.path === path)!.abs}`, {
          bulkDataThreshold: Infinity,
        });
        let n = 0;
        for await (const frame of pool.frames(f.dataset, f.transferSyntax)) {
          const ref = await getFrame(f.dataset, f.transferSyntax, frame.index);
          assert.equal(sha(frame.pixels), sha(ref.pixels), `${path} frame ${frame.index + 1}`);
          assert.deepEqual(frame.description, ref.description);
          n++;
        }
        assert.ok(n >= 1);
      }
    } finally {
      await pool.close();
    }
  },
);

test(
  'native codec pool: 400 corrupted JPEG 2000 and HTJ2K codestreams give pixels or typed errors only',
  { skip: needNative(), timeout: 300_000 },
  async () => {
    const pool = createNativeCodecPool({ processes: 2, frameTimeoutMs: 3000 });
    const j2kCodec = WASM.get(TS.JPEG2000Lossless)!;
    const sources = [
      [TS.HTJ2KLossless, fixture('gray-48x40.j2c'), GRAY],
      [TS.HTJ2KLossless, fixture('rgb-32x24.j2c'), RGB],
      [
        TS.JPEG2000Lossless,
        (
          await j2kCodec.encode!(
            new Int16Array(48 * 40).map((_, i) => (i * 37) % 900),
            GRAY,
            {},
          )
        ).bytes,
        GRAY,
      ],
    ] as const;
    let seed = 12345;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const tally = { pixels: 0, errors: 0, processEnded: 0 };
    const ended = { jpeg2000: 0, htj2k: 0 };
    try {
      for (let i = 0; i < 400; i++) {
        const [uid, original, d] = sources[i % sources.length]!;
        const bytes = original.slice();
        if (i % 4 === 0) bytes.subarray(random(bytes.length)).fill(0);
        else for (let k = 0, n = 1 + random(8); k < n; k++) bytes[random(bytes.length)] ^= 1 << random(8);
        try {
          await pool.decode(uid, bytes, d);
          tally.pixels++;
        } catch (e) {
          assert.ok(isDicomError(e), `untyped: ${String(e)}`);
          if (/native codec process/.test(e.message)) {
            tally.processEnded++;
            ended[uid === TS.JPEG2000Lossless ? 'jpeg2000' : 'htj2k']++;
          } else tally.errors++;
        }
      }
    } finally {
      await pool.close();
    }
    console.log(
      `# 400 corrupted codestreams: ${JSON.stringify(tally)}; processes ended by ${JSON.stringify(ended)}`,
    );
    assert.equal(tally.pixels + tally.errors + tally.processEnded, 400);
  },
);

test(
  'in process: 3,000 frames decoded in a loop that never yields keep memory flat',
  { skip: needNative(), timeout: 120_000 },
  async () => {
    // The frames are ArrayBuffers V8 owns (an earlier build handed out external buffers, freed only when the event
    // loop ran: this loop would have held 3,000 × 128 KiB).
    const codec = nativeFrameCodec('native', addon().decodeHtj2k, undefined);
    const d = { ...GRAY, rows: 256, columns: 256 };
    const pixels = new Int16Array(256 * 256).map((_, i) => ((i * 7919) % 4000) - 2000);
    const bytes = (await WASM.get(TS.HTJ2KLossless)!.encode!(pixels, d, {})).bytes;
    const before = process.memoryUsage().rss;
    let peak = before;
    for (let i = 0; i < 3000; i++) {
      const r = await codec.decode(bytes, d);
      if (i === 0) assert.deepEqual(r.pixels, pixels);
      if (i % 100 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const growth = (peak - before) / 2 ** 20;
    console.log(`# RSS growth over 3,000 frames of 128 KiB: ${growth.toFixed(1)} MiB`);
    assert.ok(growth < 120, `RSS grew ${growth.toFixed(0)} MiB`);
  },
);

test('an idle native codec pool does not keep Node running', { skip: needNative(), timeout: 60_000 }, () => {
  const script = `
    import { createNativeCodecPool } from '@dicomkit/imaging-native';
    import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
    const pool = createNativeCodecPool({ processes: 2 });
    const d = ${JSON.stringify(GRAY)};
    const r = await pool.decode('${TS.HTJ2KLossless}', new Uint8Array(readFileSync(${JSON.stringify(
      new URL('../../test/fixtures/gray-48x40.j2c', import.meta.url).pathname,
    )})), d);
    console.log(r.pixels.length); // and no pool.close()`;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: new URL('../..', import.meta.url).pathname,
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), String(48 * 40));
  assert.ok(Date.now() - started < 20_000);
});
