/**
 * Where the archive keeps its objects: a key → bytes store, small enough that the filesystem implementation here
 * and an S3-compatible one later fit behind it (put is atomic and durable once it resolves, keys are opaque
 * strings made of `[0-9a-z/._-]`, listing gives every key for the start-up reconciliation).
 */
import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  size: number;
}

export interface BlobStore {
  /**
   * A fresh path for a temporary file on the store's own file system (so that putting it is a rename, not a
   * copy). Temporary files left by a crash are removed by {@link BlobStore.removeTemporaryFiles}.
   */
  readonly tempDirectory: string;
  /**
   * Moves a complete temporary file under `key`, durably: once this resolves, the object survives a crash or
   * power loss. The temporary file is gone afterwards (moved, or uploaded and removed). Replaces what `key` held.
   */
  putFile(key: string, tempPath: string): Promise<BlobInfo>;
  /** Writes a stream under `key` durably (through a temporary file). */
  putStream(key: string, data: AsyncIterable<Uint8Array>): Promise<BlobInfo>;
  /** The object's bytes as a stream; throws (ENOENT) when there is none. */
  openRead(key: string): Readable;
  /**
   * A local file holding the object, when the store has one (filesystem: yes; S3: no — a caller then reads
   * through {@link BlobStore.openRead}).
   */
  localPath?(key: string): string;
  /** Removes the object (no error when it does not exist). */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every stored object (order unspecified). */
  list(): AsyncIterable<BlobInfo>;
  /** Removes temporary files a crash left behind; resolves with how many. Call before serving. */
  removeTemporaryFiles(): Promise<number>;
}

/** A key is safe when it is made of lower-case hex-like path segments: never `..`, never absolute. */
export function assertSafeKey(key: string): void {
  if (
    !/^[0-9a-z][0-9a-z._-]*(\/[0-9a-z][0-9a-z._-]*)*$/.test(key) ||
    key.split('/').some((s) => s === '.' || s === '..' || s.includes('..')) ||
    key.length > 512
  )
    throw new Error(`unsafe blob key ${JSON.stringify(key.slice(0, 80))}`);
}
