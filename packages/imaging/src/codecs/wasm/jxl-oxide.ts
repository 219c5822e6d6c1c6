/**
 * JPEG XL (ISO 18181; 1.2.840.10008.1.2.4.110 lossless, .111 JPEG recompression, .112 lossy), decode only, through
 * jxl-oxide compiled to WASM (jxl-oxide-wasm; its only pixel output is PNG, read back by png-decode.ts).
 */
import { DicomError } from '@dicomkit/core';
import type { FrameCodec } from '../codec.js';
import { decodePng } from '../png-decode.js';
import { loadOnce } from './load-once.js';
import { allocatePixels, pixelArrayKind } from '../../frames/pixel-array.js';

interface JxlModule {
  default: (o?: object) => Promise<unknown>;
  initSync: (o: { module: Uint8Array }) => unknown;
  JxlImage: new () => {
    feedBytes(b: Uint8Array): number;
    tryInit(): boolean;
    render(i?: number): { encodeToPng(): Uint8Array };
    free(): void;
  };
}

/** In Node the WASM file is read from disk; in a browser the module fetches it next to itself. */
async function init(m: JxlModule): Promise<void> {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = p?.getBuiltinModule?.('node:fs') as { readFileSync(u: URL): Uint8Array } | undefined;
  if (fs && typeof import.meta.resolve === 'function') {
    m.initSync({
      module: fs.readFileSync(new URL('jxl_oxide_wasm_bg.wasm', import.meta.resolve('jxl-oxide-wasm'))),
    });
  } else await m.default();
}

export const jxlCodec = loadOnce('jxl-oxide', async () => {
  const m = (await import('jxl-oxide-wasm')) as unknown as JxlModule;
  await init(m);
  const c: FrameCodec = {
    name: 'jxl-oxide (WASM)',
    async decode(frame, d) {
      const img = new m.JxlImage();
      let png: Uint8Array;
      try {
        img.feedBytes(frame);
        if (!img.tryInit())
          throw new DicomError('TRUNCATED', 'the JPEG XL codestream is incomplete', { tagPath: 'PixelData' });
        // encodeToPng consumes the render result (frees it).
        png = img.render().encodeToPng();
      } finally {
        img.free();
      }
      const p = await decodePng(png);
      if (p.width !== d.columns || p.height !== d.rows) {
        throw new DicomError(
          'INVALID_VALUE',
          `the JPEG XL image is ${p.width}×${p.height}; the dataset says ${d.columns}×${d.rows}`,
          { tagPath: 'PixelData' },
        );
      }
      // Keep the dataset's samples (grey or RGB), dropping an alpha channel.
      const spp = d.samplesPerPixel;
      const colour = p.channels >= 3;
      if ((spp === 3) !== colour)
        throw new DicomError(
          'INVALID_VALUE',
          `the JPEG XL image has ${p.channels} channel(s); the dataset says ${spp}`,
          { tagPath: 'PixelData' },
        );
      const n = d.rows * d.columns;
      const out = allocatePixels(pixelArrayKind(d), n * spp);
      for (let i = 0; i < n; i++)
        for (let k = 0; k < spp; k++) out[i * spp + k] = p.data[i * p.channels + k]!;
      return spp === 3 ? { pixels: out, photometricInterpretation: 'RGB' } : { pixels: out };
    },
  };
  return c;
});
