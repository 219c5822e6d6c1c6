import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMoveDestination } from '../src/commands/serve.js';
import { UsageError } from '../src/errors.js';
import { runCli } from './cli.js';

test('serve --move-destination AE=host:port', () => {
  assert.deepEqual(parseMoveDestination('STORESCP=127.0.0.1:11113'), {
    aeTitle: 'STORESCP',
    host: '127.0.0.1',
    port: 11113,
  });
  assert.deepEqual(parseMoveDestination('VIEWER=[::1]:104'), { aeTitle: 'VIEWER', host: '::1', port: 104 });
  for (const bad of ['STORESCP', 'A=h', '=h:1', 'A=h:0', 'A=h:70000', 'SEVENTEENCHARSXXX=h:1', 'BACK\\S=h:1'])
    assert.throws(() => parseMoveDestination(bad), UsageError, bad);
});

test('serve with a bad option: exit 1, one line, nothing created', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dk-serve-'));
  try {
    for (const args of [
      ['--move-destination', 'NOPORT=localhost'],
      ['--dimse-port', 'x'],
      ['--aet', 'X'.repeat(17)],
    ]) {
      const r = runCli(['serve', '--data', join(dir, 'data'), ...args]);
      assert.equal(r.status, 1, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^dicomkit: /);
      assert.equal(existsSync(join(dir, 'data')), false);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
