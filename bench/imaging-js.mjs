// The JavaScript alternatives to dicomkit's decoders, one adapter each (bench devDependencies only): every adapter
// loads its package and returns `decode(codestream, description) → samples` in dicomkit's layout (interleaved,
// same signedness), so imaging-bench.mjs can time it on the same frames and count pixels that differ from ours.
// A package that does not load or decode in Node is reported as "fails: …" by the caller, not dropped.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const modules = join(here, 'node_modules');
// "Ours, directly": the very builds packages/imaging resolves.
const fromImaging = createRequire(join(here, '../packages/imaging/package.json'));
const ours = (id) => import(fromImaging.resolve(id));
const quiet = () => ({ print: () => {}, printErr: () => {} }); // a fresh object per module: emscripten registers names on it

/** Reinterprets 16-bit output as signed or unsigned as the frame says (codecs hand out either). */
function asDescribed(samples, d) {
  if (d.bitsAllocated !== 16) return samples;
  const T = d.pixelRepresentation === 1 ? Int16Array : Uint16Array;
  if (samples instanceof T) return samples;
  if (samples.BYTES_PER_ELEMENT === 2) return new T(samples.buffer, samples.byteOffset, samples.length);
  return T.from(samples); // wider integer arrays (Int32Array from pdf.js JPX): values copied
}

/** Bytes of a little-endian 16-bit buffer as samples. */
const bytesTo16 = (bytes, d) =>
  asDescribed(new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1), d);

/** Planar 8-bit colour (one plane per sample) → interleaved. */
function interleave(planar, d) {
  if (d.samplesPerPixel === 1) return planar;
  const n = d.rows * d.columns;
  const spp = d.samplesPerPixel;
  const out = new Uint8Array(n * spp);
  for (let i = 0; i < n; i++) for (let k = 0; k < spp; k++) out[spp * i + k] = planar[k * n + i];
  return out;
}

/** Drops the alpha channel of RGBA output (ImageData) to interleaved RGB. */
function rgbaToRgb(rgba) {
  const n = rgba.length / 4;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    out[3 * i] = rgba[4 * i];
    out[3 * i + 1] = rgba[4 * i + 1];
    out[3 * i + 2] = rgba[4 * i + 2];
  }
  return out;
}

/** The emscripten/embind decoders of @cornerstonejs (and builds of the same sources): buffer in the WASM heap. */
async function embindDecoder(factory, className, options = {}) {
  const m = await factory({ ...quiet(), ...options });
  const decoder = new m[className]();
  return (bytes, d) => {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    const out = decoder.getDecodedBuffer();
    return d.bitsAllocated === 16 ? bytesTo16(out, d) : out;
  };
}

/** jsquash modules want ImageData, a browser class: the smallest stand-in for Node. */
function imageDataStandIn() {
  globalThis.ImageData ??= class ImageData {
    constructor(data, width, height) {
      Object.assign(this, { data, width, height });
    }
  };
}

/** name → { codec, name, load(): Promise<decode> } */
export const alternatives = [
  // --- JPEG 2000
  {
    codec: 'JPEG 2000',
    name: '@cornerstonejs/codec-openjpeg 1.3.6 directly (OpenJPEG 2.5.4 WASM, ours)',
    load: async () =>
      embindDecoder((await ours('@cornerstonejs/codec-openjpeg/wasmjs')).default, 'J2KDecoder'),
  },
  {
    codec: 'JPEG 2000',
    name: '@abasb75/jpeg2000-decoder 2.5.4-e (OpenJPEG 2.5.4 WASM)',
    // Its decode() makes a new decoder per call and logs the module: the factory it exports is used instead.
    load: async () =>
      embindDecoder(
        require(join(modules, '@abasb75/jpeg2000-decoder/dist/index.js')).OpenJPEGWASM,
        'J2KDecoder',
      ),
  },
  {
    codec: 'JPEG 2000',
    name: 'jpeg2000 1.1.1 (pdf.js JPX, pure JS)',
    load: async () => {
      const { JpxImage } = require('jpeg2000');
      return (bytes, d) => {
        const jpx = new JpxImage();
        jpx.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)); // it reads with Buffer methods
        return asDescribed(jpx.tiles[0].items, d);
      };
    },
  },
  {
    codec: 'JPEG 2000',
    name: 'daikon 1.2.46 lib/jpx.js (pdf.js JPX, pure JS)',
    load: async () => {
      const JpxImage = require('daikon/lib/jpx.js');
      return (bytes, d) => {
        const jpx = new JpxImage();
        jpx.parse(bytes);
        return asDescribed(jpx.tiles[0].items, d);
      };
    },
  },
  {
    codec: 'JPEG 2000',
    name: 'openjpeg 0.2.3 (emscripten asm.js, 2013)',
    load: async () => {
      const openjpeg = require('openjpeg');
      return (bytes, d) => {
        // Its output is opj_decompress's .raw file: component planes, 16-bit samples big endian.
        const raw = openjpeg(bytes, 'j2k').data;
        if (d.bitsAllocated === 16) {
          const out = new Uint16Array(raw.length >> 1);
          for (let i = 0; i < out.length; i++) out[i] = (raw[2 * i] << 8) | raw[2 * i + 1];
          return asDescribed(out, d);
        }
        return interleave(Uint8Array.from(raw), d);
      };
    },
  },
  // --- HTJ2K
  {
    codec: 'HTJ2K',
    name: '@cornerstonejs/codec-openjph 2.4.11 directly (OpenJPH 0.31 WASM, ours)',
    load: async () =>
      embindDecoder((await ours('@cornerstonejs/codec-openjph/wasmjs')).default, 'HTJ2KDecoder'),
  },
  {
    codec: 'HTJ2K',
    name: '@itk-wasm/htj2k 2.1.0 (OpenJPH WASM SIMD, itk-wasm pipeline)',
    // Needs itk-wasm 1.0.0-b.160 (package.json pins it): later runtimes call lengthBytesUTF8, which its pipeline
    // module does not export.  It throws a C++ exception on every 3-component codestream.
    load: async () => {
      const { decodeNode } = await import('@itk-wasm/htj2k');
      return async (bytes, d) => {
        // On failure the pipeline prints its (empty) stdout/stderr to the console: kept out of the tables.
        // It also sets process.exitCode = 1: restored.
        const { log, error } = console;
        const { exitCode } = process;
        console.log = console.error = () => {};
        try {
          const { image } = await decodeNode(bytes);
          return d.bitsAllocated === 16 ? asDescribed(image.data, d) : image.data;
        } finally {
          Object.assign(console, { log, error });
          process.exitCode = exitCode;
        }
      };
    },
  },
  // --- JPEG-LS
  {
    codec: 'JPEG-LS',
    name: '@cornerstonejs/codec-charls 1.2.7 directly (CharLS 2.4.4 WASM, ours)',
    load: async () =>
      embindDecoder((await ours('@cornerstonejs/codec-charls/wasmjs')).default, 'JpegLSDecoder'),
  },
  {
    codec: 'JPEG-LS',
    name: 'daikon 1.2.46 lib/jpeg-ls.js (CharLS, emscripten asm.js)',
    load: async () => {
      const JpegLSDecoder = require('daikon/lib/jpeg-ls.js');
      const decoder = new JpegLSDecoder();
      return (bytes, d) => asDescribed(decoder.decodeJPEGLS(bytes, d.pixelRepresentation === 1).pixelData, d);
    },
  },
  // --- JPEG baseline
  {
    codec: 'JPEG Baseline',
    name: '@cornerstonejs/codec-libjpeg-turbo-8bit 1.2.8 directly (libjpeg-turbo WASM, ours)',
    load: async () =>
      embindDecoder((await ours('@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs')).default, 'JPEGDecoder'),
  },
  {
    codec: 'JPEG Baseline',
    name: 'jpeg-js 0.4.4 (pure JS)',
    load: async () => {
      const jpeg = require('jpeg-js');
      return (bytes) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false }).data;
    },
  },
  {
    codec: 'JPEG Baseline',
    name: '@jsquash/jpeg 1.6.0 (MozJPEG WASM)',
    load: async () => {
      imageDataStandIn();
      const { default: decode, init } = await import('@jsquash/jpeg/decode.js');
      await init(
        await WebAssembly.compile(readFileSync(join(modules, '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm'))),
      );
      return async (bytes) => rgbaToRgb((await decode(bytes.slice().buffer)).data);
    },
  },
  {
    codec: 'JPEG Baseline',
    name: 'daikon 1.2.46 lib/jpeg-baseline.js (pdf.js JPEG, pure JS)',
    load: async () => {
      const { JpegImage } = require('daikon/lib/jpeg-baseline.js');
      return (bytes, d) => {
        const j = new JpegImage();
        j.parse(bytes);
        return j.getData(d.columns, d.rows);
      };
    },
  },
  // --- JPEG lossless (process 14)
  {
    codec: 'JPEG Lossless',
    name: 'jpeg-lossless-decoder-js 2.1.2 (pure JS)',
    load: async () => {
      const { Decoder } = require('jpeg-lossless-decoder-js');
      return (bytes, d) => {
        const out = new Decoder().decode(bytes.buffer, bytes.byteOffset, bytes.length, d.bitsAllocated / 8);
        return d.bitsAllocated === 16 ? bytesTo16(new Uint8Array(out.buffer), d) : new Uint8Array(out.buffer);
      };
    },
  },
  {
    codec: 'JPEG Lossless',
    name: '@cornerstonejs/jpeg-lossless-decoder-js 2.2.1 (pure JS, fork)',
    load: async () => {
      const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
      return (bytes, d) => {
        const out = new Decoder().decode(bytes.buffer, bytes.byteOffset, bytes.length, d.bitsAllocated / 8);
        return d.bitsAllocated === 16 ? bytesTo16(new Uint8Array(out.buffer), d) : new Uint8Array(out.buffer);
      };
    },
  },
  {
    codec: 'JPEG Lossless',
    name: 'daikon 1.2.46 (its jpeg-lossless-decoder-js 2.0.7)',
    load: async () => {
      const { Decoder } = require(join(modules, 'daikon/node_modules/jpeg-lossless-decoder-js')).lossless;
      return (bytes, d) => {
        const out = new Decoder().decode(bytes.slice().buffer);
        return d.bitsAllocated === 16 ? bytesTo16(new Uint8Array(out.buffer), d) : new Uint8Array(out.buffer);
      };
    },
  },
  // --- RLE
  {
    codec: 'RLE',
    name: 'daikon 1.2.46 src/rle.js (pure JS)',
    load: async () => {
      const RLE = require('daikon/src/rle.js');
      return (bytes, d) => {
        const out = new RLE().decode(bytes.slice().buffer, true, d.rows * d.columns);
        const u8 = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
        return d.bitsAllocated === 16 ? bytesTo16(u8, d) : u8;
      };
    },
  },
  {
    codec: 'RLE',
    name: '@cornerstonejs/dicom-image-loader 5.14.0 decodeRLE (pure JS)',
    load: async () => {
      const { default: decodeRLE } = await import(
        join(modules, '@cornerstonejs/dicom-image-loader/dist/esm/shared/decoders/decodeRLE.js')
      );
      return async (bytes, d) => {
        const frame = {
          rows: d.rows,
          columns: d.columns,
          samplesPerPixel: d.samplesPerPixel,
          bitsAllocated: d.bitsAllocated,
          pixelRepresentation: d.pixelRepresentation,
          planarConfiguration: 0,
        };
        return (await decodeRLE(frame, bytes)).pixelData;
      };
    },
  },
  // --- JPEG XL
  {
    codec: 'JPEG XL',
    name: '@jsquash/jxl 1.3.0 (libjxl WASM, RGBA 8-bit out)',
    load: async () => {
      imageDataStandIn();
      const { default: decode, init } = await import('@jsquash/jxl/decode.js');
      await init(
        await WebAssembly.compile(readFileSync(join(modules, '@jsquash/jxl/codec/dec/jxl_dec.wasm'))),
      );
      return async (bytes) => rgbaToRgb((await decode(bytes.slice().buffer)).data);
    },
  },
  {
    codec: 'JPEG XL',
    // dicom-image-loader uses this build too.
    name: '@cornerstonejs/codec-libjxl 1.1.1 directly (libjxl WASM, ours)',
    load: async () =>
      embindDecoder(
        (await import(join(modules, '@cornerstonejs/codec-libjxl/dist/jpegxlwasm_decode.js'))).default,
        'JpegXLDecoder',
        // It fetches its .wasm by URL, which Node cannot: handed over as bytes.
        {
          wasmBinary: readFileSync(join(modules, '@cornerstonejs/codec-libjxl/dist/jpegxlwasm_decode.wasm')),
        },
      ),
  },
];
