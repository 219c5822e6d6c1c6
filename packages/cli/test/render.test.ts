/** `dicomkit render`: PNG/JPEG files, frame and window options, one-line errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { needTestdata, TESTDATA } from '@dicomkit/core/test/shared';

const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8' });

test(
  'dicomkit render writes PNG and JPEG, with --frame, --window and --size',
  { skip: needTestdata() },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicomkit-cli-render-'));
    try {
      const png = join(dir, 'f3.png');
      let r = run(
        'render',
        join(TESTDATA, 'pydicom-data/emri_small.dcm'),
        png,
        '--frame',
        '3',
        '--window',
        '300,600',
      );
      assert.equal(r.status, 0, r.stderr);
      const b = readFileSync(png);
      assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG');
      assert.equal(b.readUInt32BE(16), 64);
      const jpg = join(dir, 'thumb.jpg');
      r = run('render', join(TESTDATA, 'pydicom-data/US1_J2KR.dcm'), jpg, '--size', '128');
      assert.equal(r.status, 0, r.stderr);
      const j = readFileSync(jpg);
      assert.deepEqual([j[0], j[1]], [0xff, 0xd8]);
      r = run('render', join(TESTDATA, 'pydicom-data/emri_small.dcm'), png, '--frame', '11');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /^dicomkit: --frame 11: the file has 10 frame\(s\)\n$/);
      r = run('render', join(TESTDATA, 'pydicom-data/emri_small.dcm'), join(dir, 'x.gif'));
      assert.equal(r.status, 1);
      assert.equal(r.stderr.split('\n').length, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
