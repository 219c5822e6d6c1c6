/**
 * The filesystem {@link BlobStore}: objects under `<data>/blobs/<key>`, temporary files in `<data>/tmp` (same file
 * system, so a put is a rename). Durability as POSIX asks for it: the file's data is fsynced, it is renamed into
 * place, and the folder holding the new name is fsynced (and the folders created for it) — after a crash the
 * object is either entirely there under its key or not there at all.
 */
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { assertSafeKey, type BlobInfo, type BlobStore } from './blob-store.js';

export interface FsBlobStoreOptions {
  /** fsync files and folders (default true; false only for throwaway stores). */
  fsync?: boolean;
}

export class FsBlobStore implements BlobStore {
  readonly root: string;
  readonly tempDirectory: string;
  private readonly fsync: boolean;
  private tempCounter = 0;
  private readonly tempPrefix = randomBytes(6).toString('hex');

  /** `dataDirectory` holds `blobs/` and `tmp/`; call {@link FsBlobStore.init} before use. */
  constructor(
    readonly dataDirectory: string,
    options: FsBlobStoreOptions = {},
  ) {
    this.root = join(dataDirectory, 'blobs');
    this.tempDirectory = join(dataDirectory, 'tmp');
    this.fsync = options.fsync ?? true;
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await mkdir(this.tempDirectory, { recursive: true });
  }

  /** The file of a key (the key is checked: no absolute paths, no `..`). */
  localPath(key: string): string {
    assertSafeKey(key);
    return join(this.root, ...key.split('/'));
  }

  async putFile(key: string, tempPath: string): Promise<BlobInfo> {
    const final = this.localPath(key);
    const fh = await open(tempPath, 'r');
    let size: number;
    try {
      size = (await fh.stat()).size;
      if (this.fsync) await fh.sync(); // cheap when the writer already synced it
    } finally {
      await fh.close();
    }
    const dir = dirname(final);
    const created = await mkdir(dir, { recursive: true });
    await rename(tempPath, final);
    if (this.fsync) {
      await syncDirectory(dir);
      // A new folder's name is durable once its parent is synced: sync the parent of each folder created.
      if (created !== undefined)
        for (let d = dir; ; d = dirname(d)) {
          await syncDirectory(dirname(d));
          if (d === created || d.length <= created.length) break;
        }
    }
    return { key, size };
  }

  async putStream(key: string, data: AsyncIterable<Uint8Array>): Promise<BlobInfo> {
    this.localPath(key);
    const temp = this.newTempPath();
    try {
      await pipeline(Readable.from(data), createWriteStream(temp, { mode: 0o644 }));
      return await this.putFile(key, temp);
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  /** A new temporary file name in {@link FsBlobStore.tempDirectory} (hidden, unique to the process). */
  newTempPath(): string {
    return join(this.tempDirectory, `.blob-${this.tempPrefix}-${(this.tempCounter++).toString(36)}.part`);
  }

  openRead(key: string): ReadStream {
    return createReadStream(this.localPath(key));
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.localPath(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.localPath(key))).isFile();
    } catch {
      return false;
    }
  }

  async *list(): AsyncIterable<BlobInfo> {
    const walk = async function* (dir: string, root: string): AsyncIterable<BlobInfo> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) yield* walk(p, root);
        else if (e.isFile())
          yield { key: relative(root, p).split(sep).join('/'), size: (await stat(p)).size };
      }
    };
    yield* walk(this.root, this.root);
  }

  async removeTemporaryFiles(): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.tempDirectory)) {
      await rm(join(this.tempDirectory, name), { force: true, recursive: true });
      n++;
    }
    if (n > 0 && this.fsync) await syncDirectory(this.tempDirectory);
    return n;
  }
}

/** fsync of a folder: makes the names created or removed in it durable (Linux, macOS). */
export async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch (e) {
    // Some file systems refuse fsync on a folder (EINVAL/EISDIR): nothing more can be done there.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw e;
  } finally {
    await fh.close();
  }
}
