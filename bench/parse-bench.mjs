// Parse benchmark, side by side in one run: dicomkit, dicom-parser, dcmjs and dcmtk (a small C++ program
// against Debian's libdcmtk-dev), on the standard workload from ../shared/bench/gen-data.py.
//
//   /usr/bin/python3 ../shared/bench/gen-data.py --root /tmp/bench-data
//   (cd bench && npm install) && npm run build && node bench/parse-bench.mjs [--data /tmp/bench-data] [--rounds 7]
//
// Modes: lazy (parse, values kept as bytes), decode (every value decoded), header (Enhanced MR up to Pixel Data).
// Each library runs in its own process; medians of the rounds; peak RSS of that process.
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const data = arg('--data', '/tmp/bench-data');
const rounds = Number(arg('--rounds', '7'));
const ctList = join(data, 'lists/ct.list');
const mrList = join(data, 'lists/mr.list');
if (!existsSync(ctList)) {
  console.error(`no workload at ${data}: run /usr/bin/python3 ../shared/bench/gen-data.py --root ${data}`);
  process.exit(2);
}

const dcmtkBin = join(here, '.build/dcmtk-parse');
if (!existsSync(dcmtkBin)) {
  execFileSync('mkdir', ['-p', join(here, '.build')]);
  execFileSync('g++', [
    '-O2',
    '-o',
    dcmtkBin,
    join(here, 'dcmtk/parse.cc'),
    '-ldcmdata',
    '-loflog',
    '-lofstd',
  ]);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// The header mode reads one file: more rounds, so the median is the steady state.
const roundsFor = (mode) => (mode === 'header' ? rounds * 10 : rounds);

function runNode(lib, mode, list) {
  const r = spawnSync(
    process.execPath,
    [join(here, 'parse-worker.mjs'), lib, mode, list, String(roundsFor(mode))],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${lib} ${mode}: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop());
  return { ms: median(j.ms), files: j.files, rss: j.maxRssMB };
}

function runDcmtk(mode, list) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', dcmtkBin, mode, String(roundsFor(mode)), list], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`dcmtk ${mode}: ${r.stderr}`);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const rssKB = Number(r.stderr.trim().split('\n').pop());
  return { ms: median(lines.map((l) => l.ms)), files: lines[0].files, rss: rssKB / 1024 };
}

function plainRead(list) {
  const files = readFileSync(list, 'utf8').split('\n').filter(Boolean);
  const ms = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (const f of files) readFileSync(f);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ms: median(ms), files: files.length };
}

const ctBytes = readFileSync(ctList, 'utf8')
  .split('\n')
  .filter(Boolean)
  .reduce((n, f) => n + statSync(f).size, 0);
const libs = ['dicomkit', 'dicomkit-buffer', 'dicom-parser', 'dcmjs', 'dcmtk'];
const results = {};
for (const lib of libs) {
  results[lib] = {};
  for (const [mode, list] of [
    ['lazy', ctList],
    ['decode', ctList],
    ['header', mrList],
  ]) {
    results[lib][mode] = lib === 'dcmtk' ? runDcmtk(mode, list) : runNode(lib, mode, list);
    process.stderr.write('.');
  }
}
const read = plainRead(ctList);
process.stderr.write('\n');

const fps = (r) => (r.files / r.ms) * 1000;
const base = results['dicom-parser'];
const rows = [
  '| library | CT lazy files/s | MB/s | ×dicom-parser | CT every value decoded files/s | ×dicom-parser | Enhanced MR header ms | peak RSS MB (lazy) |',
  '|---|---|---|---|---|---|---|---|',
];
for (const lib of libs) {
  const r = results[lib];
  rows.push(
    `| ${lib} | ${fps(r.lazy).toFixed(0)} | ${((ctBytes / 1e6 / r.lazy.ms) * 1000).toFixed(0)} | ${(fps(r.lazy) / fps(base.lazy)).toFixed(2)} | ${fps(r.decode).toFixed(0)} | ${(fps(r.decode) / fps(base.decode)).toFixed(2)} | ${r.header.ms.toFixed(2)} | ${r.lazy.rss.toFixed(0)} |`,
  );
}
rows.push(
  `| plain readFileSync | ${fps(read).toFixed(0)} | ${((ctBytes / 1e6 / read.ms) * 1000).toFixed(0)} | | | | | |`,
);
console.log(rows.join('\n'));
console.log(
  `\n${new Date().toISOString()}, node ${process.version}, ${rounds} rounds, medians. dicomkit = readDicomFileSync (bulk data left in the file); dicomkit-buffer = readFileSync + parseDicom (whole file in memory, like dicom-parser).`,
);
