import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAeTitle, parseListen, parsePeer } from '../src/net/address.js';
import { UsageError } from '../src/errors.js';

test('AET@host:port addressing', () => {
  assert.deepEqual(parsePeer('STORESCP@127.0.0.1:11112'), {
    aeTitle: 'STORESCP',
    host: '127.0.0.1',
    port: 11112,
  });
  assert.deepEqual(parsePeer('QR SCP@[::1]:104'), { aeTitle: 'QR SCP', host: '::1', port: 104 });
  for (const bad of ['STORESCP', '@h:1', 'A@h', 'A@h:0', 'A@h:70000', 'SEVENTEENCHARSXXX@h:1', 'A@h:1x'])
    assert.throws(() => parsePeer(bad), UsageError, bad);
  assert.deepEqual(parseListen('11112'), { host: '127.0.0.1', port: 11112 });
  assert.deepEqual(parseListen('0.0.0.0:104'), { host: '0.0.0.0', port: 104 });
  assert.equal(checkAeTitle('ANY-SCP'), 'ANY-SCP');
  for (const bad of ['', '   ', 'BACK\\SLASH', 'X'.repeat(17)])
    assert.throws(() => checkAeTitle(bad), UsageError, JSON.stringify(bad));
});
