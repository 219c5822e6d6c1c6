/**
 * Decode pools in Node: {@link DecodePool} over worker_threads, one per core by default.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DecodePool, type DecodePoolOptions, type PoolWorker } from '../pool/decode-pool.js';
import type { DecodeResponse } from '../pool/decode-protocol.js';

export interface NodeDecodePoolOptions extends DecodePoolOptions {
  /** Worker threads (default: the number of cores, `os.availableParallelism()`). */
  threads?: number;
}

function nodeWorker(): PoolWorker {
  const w = new Worker(new URL('./decode-worker.js', import.meta.url));
  // An idle pool does not keep the process alive; a busy one does (until its answers arrive).
  w.unref();
  return {
    postMessage: (req, transfer) => w.postMessage(req, transfer),
    onMessage: (listener) => w.on('message', (r: DecodeResponse) => listener(r)),
    onError: (listener) => {
      w.on('error', listener);
      w.on('exit', (code) => listener(new Error(`the worker exited (code ${code})`)));
    },
    setBusy: (busy) => (busy ? w.ref() : w.unref()),
    terminate: () => w.terminate(),
  };
}

/** A pool of worker threads decoding frames in parallel. Close it when done (`await pool.close()`). */
export function createDecodePool(options: NodeDecodePoolOptions = {}): DecodePool {
  return new DecodePool(nodeWorker, options.threads ?? availableParallelism(), options);
}
