/**
 * Rendering a frame to 8-bit grey or RGB(A) (PS3.4 Annex N): for MONOCHROME1/2 the grayscale pipeline
 * stored value → Modality LUT → VOI LUT → Presentation LUT (MONOCHROME1 inverted); for colour, YBR → RGB
 * (PS3.3 §C.7.6.3.1.2) or the palette (PALETTE COLOR). Overlays are burned in on request; thumbnails are scaled.
 */
import { DicomError, type Dataset, type TransferSyntax } from '@dicomkit/core';
import { getFrame, type Frame } from '../frames/frames.js';
import { storedValues, type PixelArray } from '../frames/pixel-array.js';
import {
  hasLut,
  datasetWindows,
  modalityTransform,
  voiLutTransform,
  windowTransform,
  type VoiTransform,
  type Window,
} from './lut.js';
import { readPalette, paletteTo8 } from './palette.js';
import { ybrFullToRgb, ybrRctToRgb } from './color.js';
import { burnOverlays, overlayPlanes } from './overlay.js';
import { fitWithin, resize } from './resize.js';

export interface RenderedImage {
  width: number;
  height: number;
  /** 1 grey, 3 RGB, 4 RGBA. */
  channels: 1 | 3 | 4;
  /** Row by row, samples interleaved. */
  data: Uint8Array;
}

export interface RenderOptions {
  /** A window to use instead of the file's (center, width; function LINEAR unless given). */
  window?: Window;
  /** Which of the file's windows to use (default 0, the first). */
  windowIndex?: number;
  /** Use the file's VOI LUT Sequence item with this index (instead of its windows). */
  voiLutIndex?: number;
  /** Burn overlay planes (60xx) in (default false). */
  overlays?: boolean;
  /** Scale to fit within size × size (thumbnails). */
  size?: number;
  /** Output RGBA (an opaque alpha channel), e.g. for canvas ImageData. */
  alpha?: boolean;
}

const MAX_LUT = 1 << 20;

function minMax(p: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The VOI transform for a frame: the given window, the file's window or VOI LUT, else the frame's value range. */
function chooseVoi(
  ds: Dataset,
  options: RenderOptions,
  modalityRange: [number, number],
  signed: boolean,
): VoiTransform {
  if (options.window) return windowTransform(options.window);
  const luts = ds.sequence('VOILUTSequence').filter(hasLut);
  if (options.voiLutIndex !== undefined) {
    const item = luts[options.voiLutIndex];
    if (!item)
      throw new DicomError(
        'INVALID_VALUE',
        `the file has no VOI LUT ${options.voiLutIndex + 1} (it has ${luts.length})`,
        { tagPath: 'VOILUTSequence' },
      );
    return voiLutTransform(item, signed);
  }
  const windows = datasetWindows(ds);
  const w = windows[options.windowIndex ?? 0];
  if (w) return windowTransform(w);
  if (luts.length > 0) return voiLutTransform(luts[0]!, signed);
  const [lo, hi] = modalityRange;
  if (hi <= lo) return () => 0;
  return windowTransform({ center: (lo + hi) / 2, width: hi - lo, function: 'LINEAR_EXACT' });
}

function renderGrey(ds: Dataset, frame: Frame, options: RenderOptions): Uint8Array {
  const d = frame.description;
  const values: PixelArray = storedValues(frame.pixels, d);
  const signed = d.pixelRepresentation === 1;
  const modality = modalityTransform(ds, signed);
  // MONOCHROME1: minimum is white (PS3.3 §C.7.6.3.1.2); Presentation LUT Shape INVERSE likewise (§C.11.6.1.1).
  const invert =
    d.photometricInterpretation === 'MONOCHROME1' ||
    (ds.string('PresentationLUTShape') ?? '').trim().toUpperCase() === 'INVERSE';
  const n = values.length;
  const out = new Uint8Array(n);
  const [lo, hi] = minMax(values);
  const integer = !d.float;
  if (integer && hi - lo < MAX_LUT) {
    // One pass over the distinct values: the whole pipeline as a table.
    const mod = new Float64Array(hi - lo + 1);
    for (let v = lo; v <= hi; v++) mod[v - lo] = modality(v);
    const voi = chooseVoi(ds, options, minMax(mod), signed);
    const table = new Uint8Array(hi - lo + 1);
    for (let i = 0; i < table.length; i++) {
      const y = Math.min(1, Math.max(0, voi(mod[i]!)));
      table[i] = Math.round((invert ? 1 - y : y) * 255);
    }
    for (let i = 0; i < n; i++) out[i] = table[values[i]! - lo]!;
    return out;
  }
  const mod = new Float64Array(n);
  for (let i = 0; i < n; i++) mod[i] = modality(values[i]!);
  const voi = chooseVoi(ds, options, minMax(mod), signed);
  for (let i = 0; i < n; i++) {
    const v = mod[i]!;
    const y = Number.isFinite(v) ? Math.min(1, Math.max(0, voi(v))) : 0;
    out[i] = Math.round((invert ? 1 - y : y) * 255);
  }
  return out;
}

function renderColor(ds: Dataset, frame: Frame): Uint8Array {
  const d = frame.description;
  const pi = d.photometricInterpretation;
  const p = frame.pixels;
  if (pi === 'PALETTE COLOR') {
    const pal = readPalette(ds);
    const { r, g, b } = paletteTo8(pal);
    const values = storedValues(p, d);
    const out = new Uint8Array(values.length * 3);
    const last = r.length - 1;
    for (let i = 0; i < values.length; i++) {
      let k = values[i]! - pal.firstMapped;
      k = k < 0 ? 0 : k > last ? last : k;
      out[i * 3] = r[k]!;
      out[i * 3 + 1] = g[k]!;
      out[i * 3 + 2] = b[k]!;
    }
    return out;
  }
  if (d.samplesPerPixel !== 3)
    throw new DicomError('INVALID_VALUE', `cannot render ${d.samplesPerPixel} samples as ${pi}`, {
      tagPath: 'PhotometricInterpretation',
    });
  let rgb: Uint8Array;
  if (d.bitsStored > 8) {
    // Wider colour samples: scaled to 8 bits by their stored range.
    const shift = d.bitsStored - 8;
    rgb = Uint8Array.from(storedValues(p, d), (v) => Math.max(0, Math.min(255, v >> shift)));
  } else rgb = p instanceof Uint8Array ? p : Uint8Array.from(p);
  switch (pi) {
    case 'RGB':
      return rgb;
    case 'YBR_FULL':
    case 'YBR_FULL_422':
    case 'YBR_ICT':
      return ybrFullToRgb(rgb);
    case 'YBR_RCT':
      return ybrRctToRgb(rgb);
    case 'YBR_PARTIAL_422':
    case 'YBR_PARTIAL_420':
      return ybrPartialToRgb(rgb);
    default:
      throw new DicomError('INVALID_VALUE', `cannot render Photometric Interpretation ${pi}`, {
        tagPath: 'PhotometricInterpretation',
      });
  }
}

/** YBR_PARTIAL (PS3.3 §C.7.6.3.1.2: Y in 16..235, Cb/Cr in 16..240, ITU-R BT.601). */
function ybrPartialToRgb(p: Uint8Array): Uint8Array {
  const out = new Uint8Array(p.length);
  const c = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let i = 0; i + 2 < p.length; i += 3) {
    const y = 1.1644 * (p[i]! - 16);
    const cb = p[i + 1]! - 128;
    const cr = p[i + 2]! - 128;
    out[i] = c(y + 1.596 * cr);
    out[i + 1] = c(y - 0.3918 * cb - 0.813 * cr);
    out[i + 2] = c(y + 2.0172 * cb);
  }
  return out;
}

/** Renders a decoded frame of `ds` (synchronous: the frame is already decoded). */
export function renderDecodedFrame(ds: Dataset, frame: Frame, options: RenderOptions = {}): RenderedImage {
  const d = frame.description;
  const grey =
    d.photometricInterpretation === 'MONOCHROME1' ||
    d.photometricInterpretation === 'MONOCHROME2' ||
    (d.samplesPerPixel === 1 && d.photometricInterpretation !== 'PALETTE COLOR');
  let data = grey ? renderGrey(ds, frame, options) : renderColor(ds, frame);
  let channels: 1 | 3 | 4 = grey ? 1 : 3;
  if (options.overlays) burnOverlays(overlayPlanes(ds), frame.index, data, d.columns, d.rows, channels);
  if (options.alpha) {
    const rgba = new Uint8Array(d.rows * d.columns * 4);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += channels) {
      rgba[i] = data[j]!;
      rgba[i + 1] = data[j + (channels === 3 ? 1 : 0)]!;
      rgba[i + 2] = data[j + (channels === 3 ? 2 : 0)]!;
      rgba[i + 3] = 255;
    }
    data = rgba;
    channels = 4;
  }
  let img: RenderedImage = { width: d.columns, height: d.rows, channels, data };
  if (options.size) {
    const [w, h] = fitWithin(img.width, img.height, options.size);
    img = resize(img, w, h);
  }
  return img;
}

/** Decodes frame `index` (0-based) and renders it. */
export async function renderFrame(
  ds: Dataset,
  transferSyntax: TransferSyntax | string,
  index: number,
  options: RenderOptions = {},
): Promise<RenderedImage> {
  return renderDecodedFrame(ds, await getFrame(ds, transferSyntax, index), options);
}
