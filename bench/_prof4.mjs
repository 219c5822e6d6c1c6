import { readFileSync } from 'node:fs';
const [file, N, modPath] = process.argv.slice(2);
const bytes = readFileSync(file);
const mine = await (await import(modPath)).default({ wasmBinary: readFileSync(modPath.replace('.mjs', '.wasm')) });
const inPtr = mine._malloc(bytes.length), info = mine._malloc(24), lenp = mine._malloc(4);
const t = performance.now();
for (let i = 0; i < Number(N); i++) { mine.HEAPU8.set(bytes, inPtr); const o = mine._dk_decode(inPtr, bytes.length, info, lenp); mine._free(o); }
console.log(((performance.now() - t) / N).toFixed(2));
