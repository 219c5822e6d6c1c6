import { getCodec, TS } from '@dicomkit/imaging';
import { readFileSync } from 'node:fs';
const [file] = process.argv.slice(2);
const rgb = file.includes('rgb');
const d = rgb ? { rows: 24, columns: 32, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, pixelRepresentation: 0, planarConfiguration: 0, photometricInterpretation: 'RGB', numberOfFrames: 1, float: false }
 : { rows: 40, columns: 48, samplesPerPixel: 1, bitsAllocated: 16, bitsStored: 16, highBit: 15, pixelRepresentation: 1, planarConfiguration: 0, photometricInterpretation: 'MONOCHROME2', numberOfFrames: 1, float: false };
const c = await getCodec(TS.HTJ2KLossless);
const t = performance.now();
try { await c.decode(new Uint8Array(readFileSync(file)), d); console.log('ok', (performance.now()-t).toFixed(0)); } catch (e) { console.log('error', (performance.now()-t).toFixed(0), String(e.message ?? e).slice(0, 60)); }
