/**
 * The Image Pixel Description (PS3.3 §C.7.6.3, Table C.7-11c): what the bytes of a frame mean.
 * Read once from a dataset, checked against the standard's constraints, and carried with every decoded frame.
 */
import {
  DicomError,
  PixelDataTag,
  FloatPixelDataTag,
  DoubleFloatPixelDataTag,
  type Dataset,
  type Tag,
} from '@dicomkit/core';

export type PhotometricInterpretation =
  | 'MONOCHROME1'
  | 'MONOCHROME2'
  | 'PALETTE COLOR'
  | 'RGB'
  | 'YBR_FULL'
  | 'YBR_FULL_422'
  | 'YBR_PARTIAL_422'
  | 'YBR_PARTIAL_420'
  | 'YBR_ICT'
  | 'YBR_RCT'
  | 'ARGB'
  | 'CMYK'
  | 'HSV'
  | 'XYB'
  | string;

export interface PixelDescription {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  /** 0 unsigned, 1 two's complement (PS3.3 §C.7.6.3.1.1). Float data: 0. */
  pixelRepresentation: number;
  /** 0 colour-by-pixel (R1G1B1R2…), 1 colour-by-plane (R…G…B…). */
  planarConfiguration: number;
  photometricInterpretation: PhotometricInterpretation;
  numberOfFrames: number;
  /** Which of Pixel Data (7FE0,0010), Float Pixel Data (7FE0,0008), Double Float Pixel Data (7FE0,0009) holds the frames. */
  pixelDataTag: Tag;
  /** Float32 (Float Pixel Data) or Float64 (Double Float Pixel Data) samples. */
  float: boolean;
}

/** Frame dimensions, checked so that sizes computed from them stay exact integers. */
const MAX_DIMENSION = 65535;

function need(ds: Dataset, keyword: string, value: number | undefined): number {
  if (value === undefined || !Number.isInteger(value))
    throw new DicomError('INVALID_VALUE', `${keyword} is missing or not an integer`, { tagPath: keyword });
  return value;
}

/** Reads and checks the pixel description of a dataset (PS3.3 §C.7.6.3.1). */
export function pixelDescription(ds: Dataset): PixelDescription {
  const pixelDataTag = ds.has(PixelDataTag)
    ? PixelDataTag
    : ds.has(FloatPixelDataTag)
      ? FloatPixelDataTag
      : ds.has(DoubleFloatPixelDataTag)
        ? DoubleFloatPixelDataTag
        : undefined;
  if (pixelDataTag === undefined)
    throw new DicomError(
      'INVALID_VALUE',
      'the dataset has no Pixel Data, Float Pixel Data or Double Float Pixel Data',
    );
  const float = pixelDataTag !== PixelDataTag;
  const rows = need(ds, 'Rows', ds.number('Rows'));
  const columns = need(ds, 'Columns', ds.number('Columns'));
  const samplesPerPixel = ds.number('SamplesPerPixel') ?? 1;
  const bitsAllocated = need(
    ds,
    'BitsAllocated',
    ds.number('BitsAllocated') ??
      (pixelDataTag === FloatPixelDataTag ? 32 : pixelDataTag === DoubleFloatPixelDataTag ? 64 : undefined),
  );
  const bitsStored = float ? bitsAllocated : need(ds, 'BitsStored', ds.number('BitsStored') ?? bitsAllocated);
  const highBit = float ? bitsAllocated - 1 : need(ds, 'HighBit', ds.number('HighBit') ?? bitsStored - 1);
  const pixelRepresentation = float ? 0 : (ds.number('PixelRepresentation') ?? 0);
  const planarConfiguration = samplesPerPixel > 1 ? (ds.number('PlanarConfiguration') ?? 0) : 0;
  const photometricInterpretation = (
    ds.string('PhotometricInterpretation') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')
  )
    .trim()
    .toUpperCase();
  const nf = ds.has('NumberOfFrames') ? ds.numbers('NumberOfFrames')[0] : undefined;
  const numberOfFrames = nf === undefined || Number.isNaN(nf) ? 1 : nf;
  const d: PixelDescription = {
    rows,
    columns,
    samplesPerPixel,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation,
    planarConfiguration,
    photometricInterpretation,
    numberOfFrames,
    pixelDataTag,
    float,
  };
  checkDescription(d);
  return d;
}

/** The standard's constraints on the pixel description (PS3.3 §C.7.6.3.1, PS3.5 §8.1.1); a DicomError names the first one broken. */
export function checkDescription(d: PixelDescription): void {
  const bad = (what: string, msg: string): never => {
    throw new DicomError('INVALID_VALUE', msg, { tagPath: what });
  };
  if (d.rows < 1 || d.rows > MAX_DIMENSION) bad('Rows', `Rows ${d.rows} is out of range 1..${MAX_DIMENSION}`);
  if (d.columns < 1 || d.columns > MAX_DIMENSION)
    bad('Columns', `Columns ${d.columns} is out of range 1..${MAX_DIMENSION}`);
  if (![1, 3, 4].includes(d.samplesPerPixel))
    bad('SamplesPerPixel', `Samples per Pixel ${d.samplesPerPixel} is not 1, 3 or 4`);
  if (d.float) {
    if (d.bitsAllocated !== (d.pixelDataTag === FloatPixelDataTag ? 32 : 64))
      bad(
        'BitsAllocated',
        `Bits Allocated ${d.bitsAllocated} does not fit ${d.pixelDataTag === FloatPixelDataTag ? 'Float' : 'Double Float'} Pixel Data`,
      );
  } else if (![1, 8, 16, 32].includes(d.bitsAllocated)) {
    bad('BitsAllocated', `Bits Allocated ${d.bitsAllocated} is not 1, 8, 16 or 32`);
  }
  if (d.bitsStored < 1 || d.bitsStored > d.bitsAllocated)
    bad('BitsStored', `Bits Stored ${d.bitsStored} is out of range 1..${d.bitsAllocated} (Bits Allocated)`);
  if (d.highBit < d.bitsStored - 1 || d.highBit >= d.bitsAllocated)
    bad('HighBit', `High Bit ${d.highBit} is out of range ${d.bitsStored - 1}..${d.bitsAllocated - 1}`);
  if (d.pixelRepresentation !== 0 && d.pixelRepresentation !== 1)
    bad('PixelRepresentation', `Pixel Representation ${d.pixelRepresentation} is not 0 or 1`);
  if (d.planarConfiguration !== 0 && d.planarConfiguration !== 1)
    bad('PlanarConfiguration', `Planar Configuration ${d.planarConfiguration} is not 0 or 1`);
  if (!Number.isInteger(d.numberOfFrames) || d.numberOfFrames < 1 || d.numberOfFrames > 2 ** 31)
    bad('NumberOfFrames', `Number of Frames ${d.numberOfFrames} is not a positive integer`);
}

/** Samples in one frame. */
export function samplesPerFrame(d: PixelDescription): number {
  return d.rows * d.columns * d.samplesPerPixel;
}

/** Bits of one frame as stored natively (PS3.5 §8.1.1; YBR_FULL_422 stores two chroma samples per two pixels). */
export function frameBits(d: PixelDescription): number {
  if (d.photometricInterpretation === 'YBR_FULL_422' || d.photometricInterpretation === 'YBR_PARTIAL_422') {
    return d.rows * Math.ceil(d.columns / 2) * 4 * d.bitsAllocated;
  }
  return samplesPerFrame(d) * d.bitsAllocated;
}

/** Bytes per sample of the decoded typed array (1-bit data unpacks to one byte per pixel). */
export function bytesPerSample(d: PixelDescription): number {
  return d.bitsAllocated <= 8 ? 1 : d.bitsAllocated / 8;
}
