/**
 * Node-only helpers of @dicomkit/imaging: PNG encoding with node:zlib and writing rendered images to files.
 */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { DicomError } from '@dicomkit/core';
import { encodePng } from './png.js';
import { encodeJpegImage } from '../render/jpeg-output.js';
import type { RenderedImage } from '../render/render.js';

export { encodePng, crc32 } from './png.js';

/** Writes a rendered image as PNG or JPEG, chosen by the file extension (.png, .jpg, .jpeg). */
export async function writeImageFile(path: string, img: RenderedImage, quality = 90): Promise<void> {
  const ext = extname(path).toLowerCase();
  let bytes: Uint8Array;
  if (ext === '.png') bytes = encodePng(img);
  else if (ext === '.jpg' || ext === '.jpeg') bytes = await encodeJpegImage(img, quality);
  else throw new DicomError('INVALID_VALUE', `unknown image type ${ext || '(none)'}: use .png or .jpg`);
  writeFileSync(path, bytes);
}
export { createCodecPool, type NodeCodecPoolOptions } from './codec-pool.js';
