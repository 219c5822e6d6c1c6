/**
 * Decode pools in a browser: {@link DecodePool} over Web Workers running `web-decode-worker.js`
 * (bundled by the application; its URL is passed here).
 */
import { DecodePool, type DecodePoolOptions, type PoolWorker } from './decode-pool.js';
import type { DecodeResponse } from './decode-protocol.js';

export interface WebDecodePoolOptions extends DecodePoolOptions {
  /** Workers (default: `navigator.hardwareConcurrency`, at least 1). */
  threads?: number;
}

/** A pool of module Web Workers decoding frames in parallel. Close it when done. */
export function createWebDecodePool(workerUrl: string | URL, options: WebDecodePoolOptions = {}): DecodePool {
  const make = (): PoolWorker => {
    const w = new Worker(workerUrl, { type: 'module' });
    return {
      postMessage: (req, transfer) => w.postMessage(req, transfer),
      onMessage: (listener) =>
        w.addEventListener('message', (e: MessageEvent<DecodeResponse>) => listener(e.data)),
      onError: (listener) =>
        w.addEventListener('error', (e: ErrorEvent) => {
          e.preventDefault();
          listener(new Error(e.message || 'the worker failed'));
        }),
      terminate: () => w.terminate(),
    };
  };
  const threads = options.threads ?? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  return new DecodePool(make, threads, options);
}
