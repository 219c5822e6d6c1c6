/**
 * The decode pool: frames decoded in worker threads equal the ones decoded on the main thread, errors stay typed
 * and per frame, and a worker that dies is replaced while the pool keeps serving.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isDicomError, writeDicom, type DicomFile } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import { CodecPool, encapsulatedFrameBytes, getFrame, pixelDescription, transcode } from '../src/index.js';
import { createCodecPool } from '../src/node/index.js';
import { needTestdata, TESTDATA } from '@dicomkit/core/test/shared';

const FILES = [
  'pydicom-data/emri_small_jpeg_ls_lossless.dcm', // 10 frames JPEG-LS, 16-bit
  'pydicom-data/emri_small_RLE.dcm', // 10 frames RLE
  'highdicom/sm_image_jpegls.dcm', // 25 frames JPEG-LS RGB
  'dicomParser/encapsulated/multi-frame/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm', // 8 frames, YBR JPEG
  'pydicom-data/liver_nonbyte_aligned_deflate.dcm', // Deflated Image Frame Compression
];

async function sameFrames(
  pool: CodecPool,
  f: Pick<DicomFile, 'dataset' | 'transferSyntax'>,
): Promise<number> {
  const n = pixelDescription(f.dataset).numberOfFrames;
  let i = 0;
  for await (const fr of pool.frames(f.dataset, f.transferSyntax)) {
    const ref = await getFrame(f.dataset, f.transferSyntax, i);
    assert.equal(fr.index, i);
    assert.deepEqual(fr.description, ref.description);
    assert.equal(fr.pixels.constructor, ref.pixels.constructor);
    assert.ok(
      Buffer.from(fr.pixels.buffer, fr.pixels.byteOffset, fr.pixels.byteLength).equals(
        Buffer.from(ref.pixels.buffer, ref.pixels.byteOffset, ref.pixels.byteLength),
      ),
      `frame ${i + 1} differs`,
    );
    i++;
  }
  assert.equal(i, n);
  return n;
}

test(
  "frames decoded by a pool of two workers equal the main thread's",
  { skip: needTestdata() },
  async () => {
    const pool = createCodecPool({ threads: 2 });
    try {
      let frames = 0;
      for (const rel of FILES) frames += await sameFrames(pool, readDicomFileSync(join(TESTDATA, rel)));
      // JPEG 2000 (OpenJPEG) and HTJ2K (OpenJPH) frames of our own making.
      const src = readDicomFileSync(join(TESTDATA, 'pydicom-data/emri_small.dcm'));
      for (const ts of ['JPEG2000Lossless', 'HTJ2KLossless'])
        frames += await sameFrames(pool, await transcode(src, ts));
      assert.ok(frames >= 70, `${frames} frames`);
    } finally {
      await pool.close();
    }
  },
);

test(
  'a corrupt frame is a typed error for that frame; the pool keeps decoding',
  { skip: needTestdata() },
  async () => {
    const f = readDicomFileSync(join(TESTDATA, 'pydicom-data/emri_small_jpeg_ls_lossless.dcm'));
    const d = pixelDescription(f.dataset);
    const good = encapsulatedFrameBytes(f.dataset, 0, d);
    const bad = good.slice(0, 40);
    const pool = createCodecPool({ threads: 1 });
    try {
      const results = await Promise.allSettled([
        pool.decode(f.transferSyntax.uid, bad, d, 0),
        pool.decode(f.transferSyntax.uid, good, d, 1),
        pool.decode('1.2.3.4', good, d, 2),
      ]);
      assert.equal(results[0].status, 'rejected');
      assert.ok(
        isDicomError((results[0] as PromiseRejectedResult).reason),
        String((results[0] as PromiseRejectedResult).reason),
      );
      assert.equal(results[1].status, 'fulfilled');
      assert.equal(
        (results[1] as PromiseFulfilledResult<{ pixels: Uint16Array }>).value.pixels.length,
        d.rows * d.columns,
      );
      assert.ok(isDicomError((results[2] as PromiseRejectedResult).reason, 'UNSUPPORTED_TRANSFER_SYNTAX'));
    } finally {
      await pool.close();
    }
  },
);

test('a worker that dies fails its frames with a typed error and is replaced', async () => {
  let made = 0;
  // The first worker exits on its first message (as a WASM abort would take a worker down); later ones are real.
  const pool = new CodecPool(() => {
    made++;
    const w =
      made === 1
        ? new Worker("require('node:worker_threads').parentPort.on('message', () => process.exit(7))", {
            eval: true,
          })
        : new Worker(new URL('../src/node/codec-worker.js', import.meta.url));
    return {
      postMessage: (r, t) => w.postMessage(r, t),
      onMessage: (l) => w.on('message', l),
      onError: (l) => {
        w.on('error', l);
        w.on('exit', (c) => l(new Error(`exit ${c}`)));
      },
      terminate: () => w.terminate(),
    };
  }, 1);
  try {
    const d = {
      rows: 2,
      columns: 2,
      samplesPerPixel: 1,
      bitsAllocated: 8,
      bitsStored: 8,
      highBit: 7,
      pixelRepresentation: 0,
      planarConfiguration: 0,
      photometricInterpretation: 'MONOCHROME2',
      numberOfFrames: 1,
      pixelDataTag: 0x7fe00010,
      float: false,
    };
    // RLE: one segment, a literal run of 4 bytes (PS3.5 §G.3).
    const rle = new Uint8Array(64 + 5);
    new DataView(rle.buffer).setUint32(0, 1, true);
    new DataView(rle.buffer).setUint32(4, 64, true);
    rle.set([3, 1, 2, 3, 4], 64);
    await assert.rejects(
      pool.decode('1.2.840.10008.1.2.5', rle, d),
      (e) => isDicomError(e) && /worker failed/.test(e.message),
    );
    const ok = await pool.decode('1.2.840.10008.1.2.5', rle, d);
    assert.deepEqual([...ok.pixels], [1, 2, 3, 4]);
    assert.equal(made, 2);
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.decode('1.2.840.10008.1.2.5', new Uint8Array(1), {} as never), /closed/);
});

test(
  'transcoding through a pool writes the same file as on the main thread',
  { skip: needTestdata() },
  async () => {
    const pool = createCodecPool({ threads: 2 });
    try {
      const sources = [
        readDicomFileSync(join(TESTDATA, 'pydicom-data/emri_small.dcm')), // 10 frames, 16-bit
        readDicomFileSync(join(TESTDATA, 'highdicom/sm_image_jpegls.dcm')), // 25 frames, RGB, JPEG-LS source
      ];
      const targets = [
        'RLELossless',
        'JPEGLSLossless',
        'JPEG2000Lossless',
        'HTJ2KLossless',
        'DeflatedImageFrameCompression',
        'JPEGLosslessSV1',
        'ExplicitVRLittleEndian',
      ];
      let compared = 0;
      for (const src of sources) {
        for (const ts of targets) {
          const a = writeDicom(await transcode(src, ts));
          const done: number[] = [];
          const b = writeDicom(await transcode(src, ts, { pool, onFrame: (n) => done.push(n) }));
          assert.ok(Buffer.from(a).equals(Buffer.from(b)), `${ts}: the pool's file differs`);
          assert.deepEqual(
            done,
            [...done.keys()].map((i) => i + 1),
            'progress in frame order',
          );
          compared++;
        }
      }
      assert.equal(compared, 14);
      // An encoder's failure is a typed error for that frame.
      const d = pixelDescription(sources[0]!.dataset);
      await assert.rejects(
        pool.encode('1.2.840.10008.1.2.4.80', new Uint16Array(7), { ...d, numberOfFrames: 1 }),
        (e) => isDicomError(e),
      );
    } finally {
      await pool.close();
    }
  },
);
