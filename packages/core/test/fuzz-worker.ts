/**
 * Runs the mutation fuzz loop in a worker thread, so that fuzz.test.ts can stop it if an input hangs: the
 * worker reports before every input; the test terminates it when the reports stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { exercise, exerciseWrite, lengthSites, mutate, prng } from './fuzz-lib.js';

export interface FuzzJob {
  paths: string[];
  seed: number;
  iterations: number;
}

export type FuzzMessage =
  | { type: 'next'; i: number; path: string; kind: string; detail: string }
  | { type: 'problem'; message: string }
  | {
      type: 'done';
      outcomes: Record<string, number>;
      kinds: Record<string, number>;
      maxGrowthBytes: number;
      maxGrowthRatio: number;
    };

const job = workerData as FuzzJob;
const port = parentPort!;
const rnd = prng(job.seed);
const corpus = job.paths.map((p) => {
  const bytes = new Uint8Array(readFileSync(p));
  return { path: p, bytes, sites: lengthSites(bytes) };
});
const outcomes: Record<string, number> = {};
const kinds: Record<string, number> = {};
/** Largest ArrayBuffer growth in bytes, and as a multiple of inputs of 64 KiB and more (smaller ones meet zlib's and Buffer's fixed-size pools). */
let maxGrowthBytes = 0;
let maxGrowthRatio = 0;
for (let i = 0; i < job.iterations; i++) {
  const src = corpus[Math.floor(rnd() * corpus.length)]!;
  const m = mutate(src.bytes, src.sites, rnd);
  kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
  port.postMessage({ type: 'next', i, path: src.path, kind: m.kind, detail: m.detail } satisfies FuzzMessage);
  const before = process.memoryUsage().arrayBuffers;
  try {
    const r = exercise(m.bytes);
    outcomes[r] = (outcomes[r] ?? 0) + 1;
  } catch (e) {
    port.postMessage({
      type: 'problem',
      message: `iteration ${i} (seed ${job.seed}), ${src.path}, ${m.kind} ${m.detail}: ${e instanceof Error ? e.stack : String(e)}`,
    } satisfies FuzzMessage);
  }
  // Values are views over the input: growth beyond a few times the input means something allocated from a length.
  const growth = process.memoryUsage().arrayBuffers - before;
  maxGrowthBytes = Math.max(maxGrowthBytes, growth);
  if (m.bytes.length >= 65536) maxGrowthRatio = Math.max(maxGrowthRatio, growth / m.bytes.length);
  if (growth > 4 * m.bytes.length + (4 << 20)) {
    port.postMessage({
      type: 'problem',
      message: `iteration ${i} (seed ${job.seed}), ${src.path}, ${m.kind} ${m.detail}: ${growth} bytes of ArrayBuffers for ${m.bytes.length} bytes of input`,
    } satisfies FuzzMessage);
  }
  try {
    exerciseWrite();
  } catch (e) {
    port.postMessage({
      type: 'problem',
      message: `iteration ${i} (seed ${job.seed}), ${src.path}, ${m.kind} ${m.detail}, writing it back: ${e instanceof Error ? e.stack : String(e)}`,
    } satisfies FuzzMessage);
  }
}
port.postMessage({ type: 'done', outcomes, kinds, maxGrowthBytes, maxGrowthRatio } satisfies FuzzMessage);
