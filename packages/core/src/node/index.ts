/** Node-only helpers of @dicomkit/core: files on disk. */
export { readDicomFile, readDicomFileSync, type FileReadOptions } from './read-file.js';
export { writeDicomFile, writeDicomFileSync, writeChunksAtomic } from './write-file.js';
export { FileSource } from './file-source.js';
