import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const [file, N, modPath] = process.argv.slice(2);
const bytes = readFileSync(file);
const mine = await (await import(modPath)).default({ wasmBinary: readFileSync(modPath.replace('.mjs', '.wasm')) });
const inPtr = mine._malloc(bytes.length), info = mine._malloc(24), lenp = mine._malloc(4);
const req = createRequire('/work/main/packages/imaging/package.json');
const m = await (await import(req.resolve('@cornerstonejs/codec-openjph/wasmjs'))).default({ print() {}, printErr() {} });
const dec = new m.HTJ2KDecoder();
const v = {
  ojph: () => { dec.getEncodedBuffer(bytes.length).set(bytes); dec.decode(); return dec.getDecodedBuffer().slice(); },
  opj: () => { mine.HEAPU8.set(bytes, inPtr); const o = mine._dk_decode(inPtr, bytes.length, info, lenp); if (!o) throw new Error('fail'); const r = mine.HEAPU8.slice(o, o + mine.HEAP32[lenp >> 2]); mine._free(o); return r; },
};
const a = v.ojph(), b = v.opj(); console.log('equal', a.length === b.length && a.every((x, i) => x === b[i]));
for (let r = 0; r < 4; r++) { const row = []; for (const [k, fn] of Object.entries(v)) { const t = performance.now(); for (let i = 0; i < Number(N); i++) fn(); row.push(`${k} ${((performance.now() - t) / N).toFixed(2)}`); } console.log(row.join('  ')); }
