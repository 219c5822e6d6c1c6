/**
 * Decode pools in a browser: {@link CodecPool} over Web Workers running `web-codec-worker.js`
 * (bundled by the application; its URL is passed here).
 */
import { CodecPool, type CodecPoolOptions, type PoolWorker } from './codec-pool.js';
import type { CodecResponse } from './codec-protocol.js';

export interface WebCodecPoolOptions extends CodecPoolOptions {
  /** Workers (default: `navigator.hardwareConcurrency`, at least 1). */
  threads?: number;
}

/** A pool of module Web Workers decoding frames in parallel. Close it when done. */
export function createWebCodecPool(workerUrl: string | URL, options: WebCodecPoolOptions = {}): CodecPool {
  const make = (): PoolWorker => {
    const w = new Worker(workerUrl, { type: 'module' });
    return {
      postMessage: (req, transfer) => w.postMessage(req, transfer),
      onMessage: (listener) =>
        w.addEventListener('message', (e: MessageEvent<CodecResponse>) => listener(e.data)),
      onError: (listener) =>
        w.addEventListener('error', (e: ErrorEvent) => {
          e.preventDefault();
          listener(new Error(e.message || 'the worker failed'));
        }),
      terminate: () => w.terminate(),
    };
  };
  const threads = options.threads ?? Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
  return new CodecPool(make, threads, options);
}
