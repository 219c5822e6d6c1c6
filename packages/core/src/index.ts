/**
 * @dicomkit/core: the DICOM data dictionary, data model, Part 10 reading and writing in every transfer syntax,
 * character sets, JSON and XML. No runtime dependencies; runs in Node and in browsers.
 * File helpers (readDicomFile, writeDicomFile) are in "@dicomkit/core/node", so this entry stays browser-safe.
 */
export * from './errors.js';
export * from './encoding/vr.js';
export * from './encoding/transfer-syntax.js';
export * from './data/tag.js';
export * from './data/bulk.js';
export * from './data/element.js';
export * from './data/fragments.js';
export * from './data/dataset.js';
export { swapBytes, formatDS, trimValue } from './data/values.js';
export * from './dictionary/dictionary.js';
export * from './dictionary/uids.js';
export * from './dictionary/private.js';
export * from './charset/index.js';
export {
  parseDicom,
  parseDataset,
  detectEncoding,
  type ReadOptions,
  type DicomFile,
} from './part10/reader.js';
export { readDicomStream } from './part10/stream-reader.js';
export type { DatasetReadOptions } from './part10/dataset-reader.js';
export {
  writeDicom,
  writeDicomChunks,
  writeDicomStream,
  writeDatasetStream,
  writeDataset,
  writeDatasetChunks,
  buildFileMeta,
  concatChunks,
  type WriteOptions,
  type WritableFile,
  type StreamOptions,
} from './part10/writer.js';
export type { DatasetWriteOptions } from './part10/dataset-writer.js';
export { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './part10/version.js';
export { nodeZlib, type Inflate, type Deflate, type ZlibLike } from './part10/inflate.js';
export * from './json/index.js';
export * from './xml/index.js';
