/**
 * Decode pools in Node: {@link CodecPool} over worker_threads, one per core by default.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CodecPool, type CodecPoolOptions, type PoolWorker } from '../pool/codec-pool.js';
import type { CodecResponse } from '../pool/codec-protocol.js';

export interface NodeCodecPoolOptions extends CodecPoolOptions {
  /** Worker threads (default: the number of cores, `os.availableParallelism()`). */
  threads?: number;
}

function nodeWorker(): PoolWorker {
  const w = new Worker(new URL('./codec-worker.js', import.meta.url));
  // An idle pool does not keep the process alive; a busy one does (until its answers arrive).
  w.unref();
  return {
    postMessage: (req, transfer) => w.postMessage(req, transfer),
    onMessage: (listener) => w.on('message', (r: CodecResponse) => listener(r)),
    onError: (listener) => {
      w.on('error', listener);
      w.on('exit', (code) => listener(new Error(`the worker exited (code ${code})`)));
    },
    setBusy: (busy) => (busy ? w.ref() : w.unref()),
    terminate: () => w.terminate(),
  };
}

/** A pool of worker threads decoding frames in parallel. Close it when done (`await pool.close()`). */
export function createCodecPool(options: NodeCodecPoolOptions = {}): CodecPool {
  return new CodecPool(nodeWorker, options.threads ?? availableParallelism(), options);
}
