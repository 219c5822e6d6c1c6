import { Dataset } from '@dicomkit/core';
import { readDicomFileSync } from '@dicomkit/core/node';
import { getFrame, getCodec, pixelDescription, transcode, TS, frameSource } from '@dicomkit/imaging';
import { createRequire } from 'node:module';
const [src, tsName] = process.argv.slice(2);
const f = readDicomFileSync(src, { bulkDataThreshold: Infinity });
const enc = await transcode(f, TS[tsName]);
const ds = enc.dataset, ts = enc.transferSyntax;
const s = frameSource(ds, ts, 0);
const bytes = s.bytes, d = s.description;
const codec = await getCodec(TS[tsName]);
const req = createRequire('/work/main/packages/imaging/package.json');
const fac = (await import(req.resolve(tsName.startsWith('HTJ2K') ? '@cornerstonejs/codec-openjph/wasmjs' : '@cornerstonejs/codec-openjpeg/wasmjs'))).default;
const m = await fac({ print() {}, printErr() {} });
const dec = new m[tsName.startsWith('HTJ2K') ? 'HTJ2KDecoder' : 'J2KDecoder']();
const variants = {
  bare: () => { dec.getEncodedBuffer(bytes.length).set(bytes); dec.decode(); },
  bareCopy: () => { dec.getEncodedBuffer(bytes.length).set(bytes); dec.decode(); dec.getFrameInfo(); return dec.getDecodedBuffer().slice(); },
  codec: () => codec.decode(bytes, d),
  source: () => frameSource(ds, ts, 0),
  getFrame: () => getFrame(ds, ts, 0),
};
const N = Number(process.argv[4] ?? 300);
for (let r = 0; r < 5; r++) {
  const row = [];
  for (const [k, fn] of Object.entries(variants)) {
    const t = performance.now();
    for (let i = 0; i < N; i++) await fn();
    row.push(`${k} ${((performance.now() - t) / N).toFixed(3)}`);
  }
  console.log(row.join('  '));
}
