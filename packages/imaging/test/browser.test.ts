/**
 * Decoding runs in a browser (issue 4): the main entry bundled with esbuild, served on loopback, loaded in Debian's
 * Chromium (driven by playwright-core). For one file per codec family the browser's frames and rendered images are
 * hashed and compared with Node's: the same pixels, through the same WASM codecs, Compression Streams for deflate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { parseDicom } from '@dicomkit/core';
import { getFrame, pixelDescription, renderFrame, type PixelArray } from '../src/index.js';
import { needCommand, needTestdata, TESTDATA } from '@dicomkit/core/test/shared';

/** What the page's bundle (ENTRY below) puts on its global object. */
declare global {
  var decodeAll: (paths: readonly string[], frames: number) => Promise<unknown>;
  var poolDecodeAll: (paths: readonly string[], frames: number) => Promise<unknown>;
}

const CHROMIUM = '/usr/bin/chromium';
const FRAMES = 3;
const FILES = [
  'pydicom-data/emri_small_RLE.dcm', // RLE
  'dicomParser/encapsulated/multi-frame/IM00001.fragmented_no_bot_jpeg_baseline.50.dcm', // JPEG (libjpeg-turbo)
  'pydicom-debian/test_files/JPGExtended.dcm', // 12-bit JPEG (TypeScript)
  'dicomParser/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_lossless.57.dcm', // JPEG Lossless
  'pydicom-data/emri_small_jpeg_ls_lossless.dcm', // JPEG-LS (CharLS)
  'pydicom-data/US1_J2KI.dcm', // JPEG 2000 colour, lossy (OpenJPEG)
  'pydicom-data/MR2_J2KI.dcm', // JPEG 2000 16-bit
  'pydicom-data/HTJ2KLossless_08_RGB.dcm', // HTJ2K (OpenJPH)
  'dcm4che/dcm4che-test-data/src/main/resources/will-jxl.dcm', // JPEG XL (libjxl)
  'pydicom-data/liver_nonbyte_aligned_deflate.dcm', // Deflated Image Frame Compression (Compression Streams)
  'pydicom-data/OBXXXX1A.dcm', // native, PALETTE COLOR render
];

/** The page's code: decode the first frames of each file, hash pixels and the rendered first frame. */
const ENTRY = `
import { parseDicom } from '@dicomkit/core';
import { createWebCodecPool, getFrame, pixelDescription, renderFrame } from '../src/index.js';
async function sha(a) {
  const d = await crypto.subtle.digest('SHA-256', new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
globalThis.decodeAll = async (paths, frames) => {
  const out = {};
  for (const p of paths) {
    try {
      const f = parseDicom(new Uint8Array(await (await fetch('/data/' + p)).arrayBuffer()));
      const n = Math.min(pixelDescription(f.dataset).numberOfFrames, frames);
      const hashes = [];
      for (let i = 0; i < n; i++) hashes.push(await sha((await getFrame(f.dataset, f.transferSyntax, i)).pixels));
      const img = await renderFrame(f.dataset, f.transferSyntax, 0);
      out[p] = { frames: hashes, render: await sha(img.data) };
    } catch (e) {
      out[p] = { error: String(e && e.stack || e) };
    }
  }
  return out;
};
globalThis.poolDecodeAll = async (paths, frames) => {
  const pool = createWebCodecPool('worker.js', { threads: 2 });
  const out = {};
  try {
    for (const p of paths) {
      try {
        const f = parseDicom(new Uint8Array(await (await fetch('/data/' + p)).arrayBuffer()));
        const n = Math.min(pixelDescription(f.dataset).numberOfFrames, frames);
        const got = await Promise.all([...Array(n).keys()].map((i) => pool.getFrame(f.dataset, f.transferSyntax, i)));
        out[p] = { frames: await Promise.all(got.map((fr) => sha(fr.pixels))) };
      } catch (e) {
        out[p] = { error: String(e && e.stack || e) };
      }
    }
  } finally {
    await pool.close();
  }
  return out;
};
globalThis.ready = true;
`;

function sha(a: PixelArray | Uint8Array): string {
  return createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
}

/** The WASM files the codec modules fetch next to the bundle. */
function wasmFiles(): string[] {
  const require = createRequire(import.meta.url);
  const dir = (spec: string) => dirname(require.resolve(spec));
  return [
    join(dir('@cornerstonejs/codec-openjpeg/wasmjs'), 'openjpegwasm.wasm'),
    join(dir('@cornerstonejs/codec-charls/wasmjs'), 'charlswasm.wasm'),
    join(dir('@cornerstonejs/codec-openjph/wasmjs'), 'openjphjs.wasm'),
    join(dir('@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs'), 'libjpegturbowasm.wasm'),
    fileURLToPath(import.meta.resolve('@cornerstonejs/codec-libjxl/decodewasm')),
    fileURLToPath(import.meta.resolve('@cornerstonejs/codec-libjxl/encodewasm')),
  ];
}

function serve(root: string): Promise<Server> {
  const types: Record<string, string> = {
    '.js': 'text/javascript',
    '.wasm': 'application/wasm',
    '.html': 'text/html',
  };
  const server = createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    // Only files under the two roots: the bundle folder and the corpus.
    const base = url.startsWith('/data/') ? TESTDATA : root;
    const path = resolve(base, '.' + (url.startsWith('/data/') ? url.slice(5) : url));
    if (!path.startsWith(resolve(base) + '/')) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(path);
      res.writeHead(200, {
        'content-type': types[path.slice(path.lastIndexOf('.'))] ?? 'application/octet-stream',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

test(
  'frames decode and render in Chromium exactly as in Node, on the page and in a pool of Web Workers',
  { skip: needTestdata() || needCommand(CHROMIUM), timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-browser-'));
    const here = dirname(fileURLToPath(import.meta.url));
    await build({
      stdin: { contents: ENTRY, resolveDir: here, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'bundle.js'),
      logLevel: 'error',
      // The Emscripten glue mentions Node modules behind runtime checks; they are never reached in a browser.
      external: ['fs', 'path', 'module', 'url', 'crypto', 'worker_threads', 'node:*'],
    });
    await build({
      entryPoints: [join(here, '../src/pool/web-codec-worker.js')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile: join(dir, 'worker.js'),
      logLevel: 'error',
      external: ['fs', 'path', 'module', 'url', 'crypto', 'worker_threads', 'node:*'],
    });
    for (const f of wasmFiles()) copyFileSync(f, join(dir, f.slice(f.lastIndexOf('/') + 1)));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>dicomkit</title><script type="module" src="bundle.js"></script>',
    );
    // Everything the page loads is one of ours: no module in the bundle imports a Node built-in at run time.
    const server = await serve(dir);
    const port = (server.address() as { port: number }).port;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`);
      });
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.waitForFunction('globalThis.ready === true', undefined, { timeout: 30_000 });
      const got = (await page.evaluate(([paths, n]) => globalThis.decodeAll(paths, n), [
        FILES,
        FRAMES,
      ] as const)) as Record<string, { frames?: string[]; render?: string; error?: string }>;
      const pooled = (await page.evaluate(([paths, n]) => globalThis.poolDecodeAll(paths, n), [
        FILES,
        FRAMES,
      ] as const)) as Record<string, { frames?: string[]; error?: string }>;
      assert.deepEqual(errors, []);
      let frames = 0;
      for (const p of FILES) {
        const f = parseDicom(new Uint8Array(readFileSync(join(TESTDATA, p))));
        const n = Math.min(pixelDescription(f.dataset).numberOfFrames, FRAMES);
        const want: string[] = [];
        for (let i = 0; i < n; i++) want.push(sha((await getFrame(f.dataset, f.transferSyntax, i)).pixels));
        const render = sha((await renderFrame(f.dataset, f.transferSyntax, 0)).data);
        assert.equal(got[p]?.error, undefined, `${p}: ${got[p]?.error}`);
        assert.deepEqual(got[p]?.frames, want, `${p}: frames differ`);
        assert.equal(got[p]?.render, render, `${p}: rendered image differs`);
        assert.equal(pooled[p]?.error, undefined, `${p} in Web Workers: ${pooled[p]?.error}`);
        assert.deepEqual(pooled[p]?.frames, want, `${p}: frames decoded in Web Workers differ`);
        frames += n;
      }
      assert.ok(frames >= FILES.length);
    } finally {
      await browser.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
