#!/usr/bin/env node
// Builds the native codecs (native/codecs.cc → build/dicomkit-codecs.node) against the system's OpenJPEG and
// OpenJPH and Node's own headers. Runs at `npm install`. It never fails the install: without a C++ compiler, the
// libraries' headers (Debian: g++, libopenjp2-7-dev, libopenjph-dev) or Node's headers it says so in one line and
// @dicomkit/imaging-native reports itself unavailable (the WASM codecs of @dicomkit/imaging still work).
// DICOMKIT_NATIVE_REQUIRED=1 makes a failed build an error (CI sets it, so the native tests cannot skip silently).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'build', 'dicomkit-codecs.node');
const required = process.env.DICOMKIT_NATIVE_REQUIRED === '1';

function give_up(why) {
  console.error(`@dicomkit/imaging-native: native codecs not built (${why}); the WASM codecs are used.`);
  process.exit(required ? 1 : 0);
}

const pkgConfig = (lib) => {
  const r = spawnSync('pkg-config', ['--cflags', lib], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim().split(/\s+/).filter(Boolean) : [];
};
const nodeInclude = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find(
  (d) => existsSync(join(d, 'node_api.h')),
);
if (!nodeInclude) give_up("Node's headers (node_api.h) not found");
const openjpegInclude = pkgConfig('libopenjp2');
if (openjpegInclude.length === 0 && existsSync('/usr/include/openjpeg-2.5'))
  openjpegInclude.push('-I/usr/include/openjpeg-2.5');
const cxx = process.env.CXX ?? 'c++';
mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
const r = spawnSync(
  cxx,
  [
    '-std=c++17',
    '-O2',
    '-shared',
    '-fPIC',
    '-fvisibility=hidden',
    '-DNODE_GYP_MODULE_NAME=dicomkit_codecs',
    `-I${nodeInclude}`,
    ...openjpegInclude,
    join(root, 'native', 'codecs.cc'),
    '-o',
    tmp,
    '-lopenjp2',
    '-lopenjph',
  ],
  { encoding: 'utf8' },
);
if (r.error || r.status !== 0) {
  rmSync(tmp, { force: true });
  const first = (r.stderr ?? '').split('\n').find((l) => /error/.test(l)) ?? r.error?.message ?? 'failed';
  give_up(`${cxx}: ${first.trim()}`);
}
renameSync(tmp, out);
console.error(`@dicomkit/imaging-native: built ${out}`);
