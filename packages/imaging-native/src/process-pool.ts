/**
 * Native codecs, isolated: a {@link CodecPool} whose workers are child processes running the native decoders. A
 * codestream that makes a native library crash (see register.ts) takes down one child: the frame fails with a
 * typed DicomError, a fresh process takes its place, and the caller's process never notices. Frames cross the
 * process boundary by IPC (about 0.5 ms for a 512×512 16-bit frame and its codestream, measured), so the pool pays
 * most where decoding is fastest (HTJ2K) and next to nothing for JPEG 2000.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DicomError } from '@dicomkit/core';
import { CodecPool, type CodecPoolOptions, type CodecResponse, type PoolWorker } from '@dicomkit/imaging';
import { closeSync } from 'node:fs';
import { loadAddon, type NativeAddon } from './addon.js';
import { SharedSlots, type SharedResponse } from './shared-slots.js';
import type { RegisterNativeOptions } from './register.js';

export interface NativeCodecPoolOptions extends CodecPoolOptions, RegisterNativeOptions {
  /** Child processes (default: the number of cores, `os.availableParallelism()`). */
  processes?: number;
  /**
   * How long a child may work on one frame before it is stopped and the frame fails (default 30 s): some corrupt
   * codestreams send the native libraries into loops that never end.
   */
  frameTimeoutMs?: number;
  /** Modules each child process imports before it serves (paths or file: URLs), e.g. to register more codecs. */
  childModules?: string[];
}

const entry = fileURLToPath(new URL('./codec-process.js', import.meta.url));

interface ChildSetup {
  families: RegisterNativeOptions;
  modules: string[];
  /** Requests a child holds at once: its shared memory slots. */
  slots: number;
}

function childWorker(addon: NativeAddon, setup: ChildSetup, frameTimeoutMs: number): PoolWorker {
  const memory = addon.createSharedMemory(SharedSlots.bytesFor(setup.slots));
  const shared = new SharedSlots(memory.buffer, setup.slots);
  let child: ChildProcess;
  try {
    child = fork(entry, [], {
      serialization: 'advanced',
      // Not the parent's flags: `node -e …` or a test runner's would make the child run something else.
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc', memory.fd], // memory.fd becomes the child's fd 4 (SHARED_MEMORY_FD)
      env: { ...process.env, DICOMKIT_NATIVE_SETUP: JSON.stringify(setup) },
    });
  } finally {
    closeSync(memory.fd); // the child has its own descriptor; the mapping here stays
  }
  // Which slot each request in flight uses.
  const slotOf = new Map<number, number>();
  const freeSlot = (): number | undefined => {
    const used = new Set(slotOf.values());
    for (let s = 0; s < setup.slots; s++) if (!used.has(s)) return s;
    return undefined;
  };
  // An idle pool does not keep the parent alive; a busy one does (until its answers arrive).
  const setBusy = (busy: boolean): void => {
    if (busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };
  setBusy(false);
  // The child's last words (a library's assertion, say) go into the error, not onto the parent's stderr. The pipe
  // never keeps the parent alive (the IPC channel does, while busy).
  let lastWords = '';
  if (child.stderr instanceof Socket) child.stderr.unref();
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => (lastWords = (lastWords + text).slice(-2000)));
  const said = (): string => {
    const line = lastWords.trim().split('\n').pop()?.trim();
    return line ? `: ${line}` : '';
  };
  // A watchdog while requests are out: no answer for frameTimeoutMs stops the child (its frames then fail).
  let pending = 0;
  let timedOut = false;
  let watchdog: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(watchdog);
    watchdog = undefined;
    if (pending > 0)
      watchdog = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, frameTimeoutMs);
  };
  return {
    // A codestream goes into a free shared-memory slot and the message carries its place; without a free slot (or
    // for a frame larger than a slot) the message carries the bytes (advanced serialization copies typed arrays).
    postMessage: (req) => {
      pending++;
      arm();
      const slot = freeSlot();
      const viaMemory = slot === undefined ? undefined : shared.putRequest(req, slot);
      if (viaMemory && slot !== undefined) slotOf.set(req.id, slot);
      child.send(viaMemory ?? req);
    },
    onMessage: (listener) =>
      child.on('message', (r: SharedResponse) => {
        pending--;
        arm();
        let answer: CodecResponse;
        try {
          answer = shared.takeResponse(r);
        } catch (e) {
          answer = {
            id: r.id,
            kind: 'error',
            error: { code: 'INVALID_VALUE', message: e instanceof Error ? e.message : String(e) },
          };
        }
        slotOf.delete(r.id);
        listener(answer);
      }),
    onError: (listener) => {
      child.on('error', listener);
      child.on('close', (code, signal) => {
        clearTimeout(watchdog);
        listener(
          new Error(
            timedOut
              ? `the native codec process took longer than ${frameTimeoutMs} ms and was stopped`
              : `the native codec process ended (${signal ?? `exit code ${code}`})${said()}`,
          ),
        );
      });
    },
    setBusy,
    terminate: () => {
      clearTimeout(watchdog);
      child.removeAllListeners('close');
      child.kill();
    },
  };
}

/**
 * A pool of child processes decoding JPEG 2000 and HTJ2K frames with the native libraries (and every other
 * transfer syntax with @dicomkit/imaging's codecs, as a worker-thread pool would). Close it when done
 * (`await pool.close()`). Throws a DicomError when the native module is not built.
 */
export function createNativeCodecPool(options: NativeCodecPoolOptions = {}): CodecPool {
  const addon = loadAddon();
  if (addon instanceof Error)
    throw new DicomError('UNSUPPORTED_TRANSFER_SYNTAX', addon.message, { cause: addon });
  const families: RegisterNativeOptions = {};
  if (options.jpeg2000 !== undefined) families.jpeg2000 = options.jpeg2000;
  if (options.htj2k !== undefined) families.htj2k = options.htj2k;
  const timeout = options.frameTimeoutMs ?? 30_000;
  const modules = (options.childModules ?? []).map((m) =>
    m.startsWith('file:') ? m : pathToFileURL(m).href,
  );
  const slots = Math.max(1, options.perWorker ?? 2);
  return new CodecPool(
    () => childWorker(addon, { families, modules, slots }, timeout),
    options.processes ?? availableParallelism(),
    options,
  );
}
