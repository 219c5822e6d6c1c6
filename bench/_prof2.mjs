import { readDicomFileSync } from '@dicomkit/core/node';
import { transcode, TS, frameSource } from '@dicomkit/imaging';
import { createRequire } from 'node:module';
const [src, tsName, N] = process.argv.slice(2);
const f = readDicomFileSync(src, { bulkDataThreshold: Infinity });
const enc = await transcode(f, TS[tsName]);
const bytes = frameSource(enc.dataset, enc.transferSyntax, 0).bytes;
const req = createRequire('/work/main/packages/imaging/package.json');
const ht = tsName.startsWith('HTJ2K');
const fac = (await import(req.resolve(ht ? '@cornerstonejs/codec-openjph/wasmjs' : '@cornerstonejs/codec-openjpeg/wasmjs'))).default;
const m = await fac({ print() {}, printErr() {} });
const dec = new m[ht ? 'HTJ2KDecoder' : 'J2KDecoder']();
const t = performance.now();
for (let i = 0; i < Number(N); i++) { dec.getEncodedBuffer(bytes.length).set(bytes); dec.decode(); }
console.log(((performance.now() - t) / N).toFixed(3));
