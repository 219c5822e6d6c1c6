// One library, one mode, one file list: prints {"ms":[...per round], "files": n, "maxRssMB": m} as JSON.
// Usage: node parse-worker.mjs <dicomkit|dicomkit-buffer|dicom-parser|dcmjs> <lazy|decode|header> <list> <rounds>
import { readFileSync } from 'node:fs';
import { visitDicomkit, visitDicomParser } from './visit-values.mjs';

const [lib, mode, list, roundsArg] = process.argv.slice(2);
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const rounds = Number(roundsArg ?? 5);

let parseOne;
if (lib === 'dicomkit' || lib === 'dicomkit-buffer') {
  const core = await import('../packages/core/dist/src/index.js');
  const node = await import('../packages/core/dist/src/node/index.js');
  const opts = mode === 'header' ? { stopBeforePixelData: true } : {};
  parseOne =
    lib === 'dicomkit'
      ? (f) => {
          const r = node.readDicomFileSync(f, opts);
          return mode === 'decode' ? visitDicomkit(r.dataset) : r.dataset.size;
        }
      : (f) => {
          const r = core.parseDicom(readFileSync(f), opts);
          return mode === 'decode' ? visitDicomkit(r.dataset) : r.dataset.size;
        };
} else if (lib === 'dicom-parser') {
  const dp = (await import('dicom-parser')).default;
  parseOne = (f) => {
    const ds = dp.parseDicom(readFileSync(f), mode === 'header' ? { untilTag: 'x7fe00010' } : undefined);
    return mode === 'decode' ? visitDicomParser(ds) : Object.keys(ds.elements).length;
  };
} else if (lib === 'dcmjs') {
  const dcmjs = (await import('dcmjs')).default;
  dcmjs.log.setLevel?.('silent');
  parseOne = (f) => {
    const b = readFileSync(f);
    const ab = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    const d = dcmjs.data.DicomMessage.readFile(ab, {
      untilTag: mode === 'header' ? '7FE00010' : undefined,
      ignoreErrors: true,
    });
    if (mode === 'decode')
      return Object.keys(dcmjs.data.DicomMetaDictionary.naturalizeDataset(d.dict)).length;
    return Object.keys(d.dict).length;
  };
} else throw new Error(`unknown library ${lib}`);

const ms = [];
let sink = 0;
for (const f of files.slice(0, 20)) sink += parseOne(f); // warm-up
for (let r = 0; r < rounds; r++) {
  const t0 = process.hrtime.bigint();
  for (const f of files) sink += parseOne(f);
  ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
console.log(
  JSON.stringify({ ms, files: files.length, sink, maxRssMB: process.resourceUsage().maxRSS / 1024 }),
);
