/**
 * `dicomkit render <file> <out.png|out.jpg>`: one frame through the display pipeline (PS3.4 Annex N) to PNG or JPEG.
 */
import type { Command } from 'commander';
import { readDicomFile } from '@dicomkit/core/node';
import { renderFrame, pixelDescription, type RenderOptions } from '@dicomkit/imaging';
import { writeImageFile } from '@dicomkit/imaging/node';
import { UsageError } from '../errors.js';

export interface RenderCliOptions {
  frame: string;
  window?: string;
  voiLut?: string;
  size?: string;
  overlays?: boolean;
  quality: string;
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} needs a positive integer, not "${v}"`);
  return n;
}

/** Parses "--window C,W" (or "C/W"). */
export function parseWindow(v: string): { center: number; width: number } {
  const m = /^\s*(-?[\d.]+(?:e[+-]?\d+)?)\s*[,/]\s*([\d.]+(?:e[+-]?\d+)?)\s*$/i.exec(v);
  if (!m) throw new UsageError(`--window needs center,width (e.g. 40,400), not "${v}"`);
  const width = Number(m[2]);
  if (!(width >= 1)) throw new UsageError('--window width must be at least 1');
  return { center: Number(m[1]), width };
}

export async function runRender(file: string, out: string, o: RenderCliOptions): Promise<void> {
  if (!/\.(png|jpe?g)$/i.test(out))
    throw new UsageError(`the output must end in .png, .jpg or .jpeg: ${out}`);
  const f = await readDicomFile(file);
  const d = pixelDescription(f.dataset);
  const frame = positiveInt('frame', o.frame);
  if (frame > d.numberOfFrames)
    throw new UsageError(`--frame ${frame}: the file has ${d.numberOfFrames} frame(s)`);
  const options: RenderOptions = { overlays: o.overlays ?? false };
  if (o.window) options.window = parseWindow(o.window);
  if (o.voiLut) options.voiLutIndex = positiveInt('voi-lut', o.voiLut) - 1;
  if (o.size) options.size = positiveInt('size', o.size);
  const img = await renderFrame(f.dataset, f.transferSyntax, frame - 1, options);
  await writeImageFile(out, img, positiveInt('quality', o.quality));
}

export function registerRender(program: Command): void {
  program
    .command('render')
    .description(
      'render one frame to PNG or JPEG through the DICOM display pipeline (Modality LUT, VOI window/LUT, MONOCHROME1, colour, palettes)',
    )
    .argument('<file>', 'DICOM file')
    .argument('<out>', 'output image: .png or .jpg')
    .option('-f, --frame <n>', 'frame number, from 1', '1')
    .option(
      '-w, --window <center,width>',
      "VOI window (default: the file's first window, else its VOI LUT, else the pixel range)",
    )
    .option('--voi-lut <n>', 'use the n-th VOI LUT of the file (from 1)')
    .option('-s, --size <pixels>', 'scale to fit within size × size (thumbnails)')
    .option('--overlays', 'burn in overlay planes (60xx)')
    .option('-q, --quality <1-100>', 'JPEG quality', '90')
    .action(async (file: string, out: string, o: RenderCliOptions) => {
      await runRender(file, out, o);
    });
}
