/**
 * A value that a DICOM JSON or XML document names by URI (PS3.18 §F.2.6 BulkDataURI, PS3.19 §A.1.6 BulkData)
 * and that was not fetched: the element keeps the URI, so writing the dataset back to JSON or XML keeps the
 * reference, and reading its bytes fails with a clear error instead of giving an empty value.
 */
import type { ByteSource } from '../data/bulk.js';
import { DicomError } from '../errors.js';

export class BulkDataUriSource implements ByteSource {
  readonly size = 0;
  readonly description: string;
  constructor(readonly uri: string) {
    this.description = `bulk data URI ${uri}`;
  }

  read(): Uint8Array {
    throw new DicomError(
      'IO_ERROR',
      `the value is bulk data at ${this.uri} and was not fetched (pass resolveBulkData when reading the JSON or XML)`,
    );
  }
}
