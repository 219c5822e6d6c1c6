/**
 * Temporary files created ahead of need. Creating a file is the largest single cost of storing a C-STORE
 * data set on some file systems (0.4–0.8 ms of kernel time per file on the benchmark machine, more than
 * writing 520 KB into it: bench/README.md), and it does not depend on the data. So a storage SCP keeps one or
 * two empty temporary files open, created in libuv's thread pool while it waits for the next request or
 * writes the current one; a C-STORE takes one and a replacement is started. Unused ones are removed when the
 * association ends (before its A-RELEASE response: the folder then holds only the received files). The names are hidden (`.dicomkit-*.part`) and unique to the process.
 */
import { closeSync, open, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface TempFile {
  path: string;
  fd: number;
}

/** Temporary names: unique to this process (random, drawn once), then a counter. */
const TEMP_PREFIX = randomBytes(6).toString('hex');
let tempCounter = 0;

/** A new hidden temporary file name in `directory`. */
export function tempFileName(directory: string): string {
  return join(directory, `.dicomkit-${TEMP_PREFIX}-${(tempCounter++).toString(36)}.part`);
}

/** Creates a temporary file now (synchronously). Throws what open throws. */
export function createTempFile(directory: string): TempFile {
  const path = tempFileName(directory);
  return { path, fd: openSync(path, 'w', 0o644) };
}

export class TempFileReserve {
  private readonly ready: TempFile[] = [];
  private opening = 0;
  private disposed = false;
  private settled: (() => void) | undefined;

  /** `ahead`: files kept ready (created in the background). */
  constructor(
    readonly directory: string,
    readonly ahead = 2,
  ) {}

  /** A ready temporary file, or one created now; then starts creating replacements. */
  take(): TempFile {
    const f = this.ready.shift() ?? createTempFile(this.directory);
    this.refill();
    return f;
  }

  /** Starts background creations up to `ahead` files ready or underway. */
  refill(): void {
    while (!this.disposed && this.ready.length + this.opening < this.ahead) {
      this.opening++;
      const path = tempFileName(this.directory);
      open(path, 'w', 0o644, (err, fd) => {
        this.opening--;
        // No spare on an error this time: take() will create one and report its error.
        if (!err) {
          if (this.disposed) discardSync({ path, fd });
          else this.ready.push({ path, fd });
        }
        if (this.opening === 0) this.settled?.();
      });
    }
  }

  /** Closes and removes the files not taken; resolves once those still being created are created and removed. */
  dispose(): Promise<void> {
    this.disposed = true;
    for (const f of this.ready.splice(0)) discardSync(f);
    if (this.opening === 0) return Promise.resolve();
    return new Promise((resolve) => (this.settled = resolve));
  }
}

function discardSync(f: TempFile): void {
  try {
    closeSync(f.fd);
  } catch {
    /* already closed */
  }
  try {
    unlinkSync(f.path);
  } catch {
    /* already gone */
  }
}

