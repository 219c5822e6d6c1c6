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
  /** The open file, or the promise of it while it is being created in the background. */
  fd: number | Promise<number>;
}

/** Temporary names: unique to this process (random, drawn once), then a counter. */
const TEMP_PREFIX = randomBytes(6).toString('hex');
let tempCounter = 0;

/** A new hidden temporary file name in `directory`. */
export function tempFileName(directory: string): string {
  return join(directory, `.dicomkit-${TEMP_PREFIX}-${(tempCounter++).toString(36)}.part`);
}

/** Creates a temporary file now (synchronously). Throws what open throws. */
export function createTempFile(directory: string): { path: string; fd: number } {
  const path = tempFileName(directory);
  return { path, fd: openSync(path, 'w', 0o644) };
}

/** A file created ahead, or being created (`fd` set once it is). */
interface Slot {
  path: string;
  fd?: number;
  created: Promise<number>;
}

export class TempFileReserve {
  /** Files not yet taken, oldest first: created, then being created or queued to be. */
  private readonly slots: Slot[] = [];
  /** The last creation queued in each of two lanes: two run at a time, so that the thread pool never waits for the event loop to hand it the next one. */
  private readonly tails: Promise<unknown>[] = [Promise.resolve(), Promise.resolve()];
  private lane = 0;
  private disposed = false;

  /** `ahead`: files kept ready or underway (created in the background). */
  constructor(
    readonly directory: string,
    readonly ahead = 4,
  ) {}

  /**
   * The oldest file created ahead — or being created: then `fd` is a promise, and the caller waits for it
   * rather than creating a file itself, which would contend with the background creation for the same locks.
   * Creates one now only when none is underway. Then queues replacements.
   */
  take(): TempFile {
    const slot = this.slots.shift();
    const f: TempFile = slot
      ? { path: slot.path, fd: slot.fd ?? slot.created }
      : createTempFile(this.directory);
    this.refill();
    return f;
  }

  /**
   * Queues background creations until `ahead` files are ready or underway, two at a time (creations contend
   * for the same file system locks: more at once only take longer each).
   */
  refill(): void {
    while (!this.disposed && this.slots.length < this.ahead) {
      const path = tempFileName(this.directory);
      const lane = this.lane++ % this.tails.length;
      const created = this.tails[lane]!.then(
        () =>
          new Promise<number>((resolve, reject) =>
            open(path, 'w', 0o644, (err, fd) => {
              if (err) reject(err);
              else resolve(fd);
            }),
          ),
      );
      const slot: Slot = { path, created };
      this.slots.push(slot);
      this.tails[lane] = created.then(
        (fd) => {
          slot.fd = fd;
        },
        () => {
          // No spare: whoever took this slot sees the error (as if it had created the file itself).
          const i = this.slots.indexOf(slot);
          if (i >= 0) this.slots.splice(i, 1);
        },
      );
    }
  }

  /** Closes and removes the files not taken; resolves once those still being created are created and removed. */
  dispose(): Promise<void> {
    this.disposed = true;
    for (const s of this.slots) if (s.fd !== undefined) discardSync({ path: s.path, fd: s.fd });
    const pending = this.slots.filter((s) => s.fd === undefined);
    this.slots.length = 0;
    // Those still being created (or queued) are removed once created.
    return Promise.allSettled(
      pending.map((s) => s.created.then((fd) => discardSync({ path: s.path, fd }))),
    ).then(() => undefined);
  }
}

function discardSync(f: { path: string; fd: number }): void {
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
