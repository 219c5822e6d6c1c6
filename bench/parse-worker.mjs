// One library, one mode, one file list: prints {"ms":[...per round], "files": n, "maxRssMB": m} as JSON.
// Usage: node parse-worker.mjs <dicomkit|dicomkit-buffer|dicom-parser|dcmjs> <lazy|decode|header> <list> <rounds>
import { readFileSync } from 'node:fs';

const [lib, mode, list, roundsArg] = process.argv.slice(2);
const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
const rounds = Number(roundsArg ?? 5);

let parseOne;
if (lib === 'dicomkit' || lib === 'dicomkit-buffer') {
  const core = await import('../packages/core/dist/src/index.js');
  const node = await import('../packages/core/dist/src/node/index.js');
  const visit = (ds) => {
    let n = 0;
    for (const el of ds) {
      if (el.items) for (const it of el.items) n += visit(it);
      else if (el.tag !== 0x7fe00010) {
        const v = ds.value(el.tag);
        n += v && v.length !== undefined ? v.length : 1;
      }
    }
    return n;
  };
  const opts = mode === 'header' ? { stopBeforePixelData: true } : {};
  parseOne =
    lib === 'dicomkit'
      ? (f) => {
          const r = node.readDicomFileSync(f, opts);
          return mode === 'decode' ? visit(r.dataset) : r.dataset.size;
        }
      : (f) => {
          const r = core.parseDicom(readFileSync(f), opts);
          return mode === 'decode' ? visit(r.dataset) : r.dataset.size;
        };
} else if (lib === 'dicom-parser') {
  const dp = (await import('dicom-parser')).default;
  const numeric = { US: 'uint16', SS: 'int16', UL: 'uint32', SL: 'int32', FL: 'float', FD: 'double' };
  const visit = (ds) => {
    let n = 0;
    for (const k in ds.elements) {
      const el = ds.elements[k];
      if (el.items) for (const it of el.items) n += visit(it.dataSet);
      else if (k !== 'x7fe00010') {
        const f = numeric[el.vr];
        if (f) {
          const size = { uint16: 2, int16: 2, uint32: 4, int32: 4, float: 4, double: 8 }[f];
          for (let i = 0; i < el.length / size; i++) n += ds[f](k, i) ? 1 : 0;
        } else if (el.vr === 'OB' || el.vr === 'OW' || el.vr === 'UN' || el.vr === 'OF') n += el.length;
        else n += (ds.string(k) ?? '').length;
      }
    }
    return n;
  };
  parseOne = (f) => {
    const ds = dp.parseDicom(readFileSync(f), mode === 'header' ? { untilTag: 'x7fe00010' } : undefined);
    return mode === 'decode' ? visit(ds) : Object.keys(ds.elements).length;
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
