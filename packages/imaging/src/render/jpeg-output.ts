/**
 * A rendered image as a JPEG file (ISO 10918-1 baseline, JFIF) through the libjpeg-turbo WASM encoder: browser-safe.
 */
import { getCodec, TS } from '../codecs/registry.js';
import type { PixelDescription } from '../frames/description.js';
import type { RenderedImage } from './render.js';

export async function encodeJpegImage(img: RenderedImage, quality = 90): Promise<Uint8Array> {
  let data = img.data;
  let channels = img.channels;
  if (channels === 4) {
    data = new Uint8Array(img.width * img.height * 3);
    for (let i = 0, j = 0; j < data.length; i += 4, j += 3) {
      data[j] = img.data[i]!;
      data[j + 1] = img.data[i + 1]!;
      data[j + 2] = img.data[i + 2]!;
    }
    channels = 3;
  }
  const d: PixelDescription = {
    rows: img.height,
    columns: img.width,
    samplesPerPixel: channels,
    bitsAllocated: 8,
    bitsStored: 8,
    highBit: 7,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    photometricInterpretation: channels === 3 ? 'RGB' : 'MONOCHROME2',
    numberOfFrames: 1,
    pixelDataTag: 0x7fe00010,
    float: false,
  };
  const codec = await getCodec(TS.JPEGBaseline8Bit);
  const enc = await codec.encode!(data, d, { quality });
  return enc.bytes;
}
