// Parse cost alone: the 500 CT files read into memory first, then parsed (lazy, and with every value decoded) by
// dicomkit's parseDicom and dicom-parser, interleaved round by round; medians. `node bench/parse-inmemory.mjs [--data DIR]`
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dp from 'dicom-parser';
import { parseDicom } from '../packages/core/dist/src/index.js';
import { visitDicomkit, visitDicomParser } from './visit-values.mjs';

const i = process.argv.indexOf('--data');
const data = i > 0 ? process.argv[i + 1] : '/tmp/bench-data';
const files = readFileSync(join(data, 'lists/ct.list'), 'utf8').split('\n').filter(Boolean);
const bufs = files.map((f) => readFileSync(f));

const time = (fn) => {
  const t = process.hrtime.bigint();
  for (const b of bufs) fn(b);
  return Number(process.hrtime.bigint() - t) / 1e6;
};
const runs = {
  'dicomkit lazy': [],
  'dicom-parser lazy': [],
  'dicomkit decode': [],
  'dicom-parser decode': [],
};
for (let r = 0; r < 11; r++) {
  runs['dicomkit lazy'].push(time((b) => parseDicom(b)));
  runs['dicom-parser lazy'].push(time((b) => dp.parseDicom(b)));
  runs['dicomkit decode'].push(time((b) => visitDicomkit(parseDicom(b).dataset)));
  runs['dicom-parser decode'].push(time((b) => visitDicomParser(dp.parseDicom(b))));
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  '| in memory, 500 CT files | dicomkit ms | dicom-parser ms | dicomkit ×dicom-parser |\n|---|---|---|---|',
);
for (const mode of ['lazy', 'decode']) {
  const a = med(runs[`dicomkit ${mode}`]);
  const b = med(runs[`dicom-parser ${mode}`]);
  console.log(
    `| ${mode === 'lazy' ? 'parse, values kept as bytes' : 'parse + every value decoded'} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(2)} |`,
  );
}
