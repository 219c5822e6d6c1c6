/**
 * Reading DICOM files from disk, lazily: only the header is read; values at least `bulkDataThreshold` long
 * (Pixel Data, large private blobs) stay in the file and are read when asked for. So the header of a 2 GB
 * multi-frame costs the size of the header.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { readPart10, type DicomFile, type ReadOptions } from '../part10/reader.js';
import { FileSource, readExactly } from './file-source.js';
import { DicomError, isDicomError } from '../errors.js';

export interface FileReadOptions extends ReadOptions {
  /** First read size in bytes (default 32 KiB); later reads double as needed. */
  chunkSize?: number;
}

/** Reads a DICOM file synchronously; see {@link readDicomFile}. */
export function readDicomFileSync(path: string, options: FileReadOptions = {}): DicomFile {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new DicomError('IO_ERROR', (e as Error).message, { cause: e });
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) throw new DicomError('NOT_DICOM', `${path} is empty`, { offset: 0 });
    let chunk = options.chunkSize ?? 32768;
    const first = readExactly(fd, 0, Math.min(size, chunk));
    const source = new FileSource(path, size);
    return readPart10(
      { bytes: first, base: 0 },
      size,
      options,
      (offset, min) => {
        chunk = Math.min(chunk * 2, 4 * 1024 * 1024);
        const len = Math.min(size - offset, Math.max(min, chunk));
        return { bytes: readExactly(fd, offset, len), base: offset };
      },
      source,
    );
  } catch (e) {
    if (isDicomError(e)) throw e;
    throw new DicomError('IO_ERROR', `${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a DICOM file. Values at least `bulkDataThreshold` bytes long (default 64 KiB) that lie beyond the first
 * read are left in the file and read on first access (Dataset.bytes / value), so the file must stay in place
 * while they are used; pass `bulkDataThreshold: Infinity` to read everything now.
 */
export async function readDicomFile(path: string, options: FileReadOptions = {}): Promise<DicomFile> {
  return readDicomFileSync(path, options);
}
