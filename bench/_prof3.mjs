import { readDicomFileSync } from '@dicomkit/core/node';
import { transcode, TS, frameSource, getFrame } from '@dicomkit/imaging';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const [src, tsName, N, modPath] = process.argv.slice(2);
const f = readDicomFileSync(src, { bulkDataThreshold: Infinity });
const enc = await transcode(f, TS[tsName]);
const bytes = frameSource(enc.dataset, enc.transferSyntax, 0).bytes;
writeFileSync('/tmp/prof/' + tsName + (src.includes('US1') ? '-us' : '-ct') + '.j2k', bytes);
const ref = (await getFrame(enc.dataset, enc.transferSyntax, 0)).pixels;
const req = createRequire('/work/main/packages/imaging/package.json');
const fac = (await import(req.resolve('@cornerstonejs/codec-openjpeg/wasmjs'))).default;
const m = await fac({ print() {}, printErr() {} });
const dec = new m.J2KDecoder();
const cs = () => { dec.getEncodedBuffer(bytes.length).set(bytes); dec.decode(); return dec.getDecodedBuffer().slice(); };
const mine = await (await import(modPath)).default({ wasmBinary: (await import('node:fs')).readFileSync(modPath.replace('.mjs', '.wasm')) });
const inPtr = mine._malloc(bytes.length), info = mine._malloc(24), lenp = mine._malloc(4);
const dk = () => {
  mine.HEAPU8.set(bytes, inPtr);
  const out = mine._dk_decode(inPtr, bytes.length, info, lenp);
  if (!out) throw new Error('fail');
  const n = mine.HEAP32[lenp >> 2];
  const r = mine.HEAPU8.slice(out, out + n); mine._free(out); return r;
};
const a = dk(), b = new Uint8Array(ref.buffer, ref.byteOffset, ref.byteLength);
console.log('equal', a.length === b.length && a.every((v, i) => v === b[i]));
for (let r = 0; r < 5; r++) {
  const row = [];
  for (const [k, fn] of Object.entries({ cs, dk })) {
    const t = performance.now();
    for (let i = 0; i < Number(N); i++) fn();
    row.push(`${k} ${((performance.now() - t) / N).toFixed(2)}`);
  }
  console.log(row.join('  '));
}
