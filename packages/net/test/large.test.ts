/**
 * Receiving a 1 GiB instance keeps the receiver's resident memory bounded (ROBUSTNESS.md #15): the data set is
 * streamed from our SCU (never built in memory either) into the SCP's file as it arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { Dataset, writeDataset } from '@dicomkit/core';
import { Association, CommandField } from '../src/index.js';

const SIZE = 1024 * 1024 * 1024;
const CT = '1.2.840.10008.5.1.4.1.1.2';

/** The data set: a small header, then Pixel Data (OB, 1 GiB) produced 1 MiB at a time. */
async function* largeDataset(uid: string): AsyncIterable<Uint8Array> {
  const ds = new Dataset();
  ds.set('SOPClassUID', undefined, CT);
  ds.set('SOPInstanceUID', undefined, uid);
  ds.set('PatientName', undefined, 'Large^Instance');
  yield writeDataset(ds, '1.2.840.10008.1.2.1');
  const head = new Uint8Array(12);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, 0x7fe0, true);
  dv.setUint16(2, 0x0010, true);
  head.set([0x4f, 0x42], 4); // "OB", 2 reserved bytes, 4-byte length
  dv.setUint32(8, SIZE, true);
  yield head;
  const chunk = new Uint8Array(1024 * 1024).fill(0x5a);
  for (let sent = 0; sent < SIZE; sent += chunk.length) yield chunk;
}

test(
  'a 1 GiB C-STORE: receiver RSS stays under 150 MB, the file is complete',
  { timeout: 180_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dk-large-'));
    const child = spawn(
      process.execPath,
      [fileURLToPath(new URL('./large-receiver.js', import.meta.url)), dir],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    try {
      const { port } = JSON.parse((await lines.next()).value as string) as { port: number };
      const a = await Association.connect({
        host: '127.0.0.1',
        port,
        callingAeTitle: 'SCU',
        calledAeTitle: 'SCP',
        contexts: [{ abstractSyntax: CT, transferSyntaxes: ['1.2.840.10008.1.2.1'] }],
        dimseTimeoutMs: 120_000,
      });
      const uid = '1.2.826.0.1.3680043.8.498.1';
      const rsp = await a.requestResponse(
        1,
        {
          CommandField: CommandField.CStoreRq,
          AffectedSOPClassUID: CT,
          AffectedSOPInstanceUID: uid,
          Priority: 0,
          CommandDataSetType: 0,
        },
        largeDataset(uid),
      );
      assert.equal(rsp.command.Status, 0);
      await a.release();
      child.stdin!.write('stop\n');
      const report = JSON.parse((await lines.next()).value as string) as {
        maxRssKiB: number;
        stored: { path: string; size: number }[];
      };
      console.log(
        `# receiver peak RSS: ${(report.maxRssKiB / 1024).toFixed(1)} MiB for a ${SIZE / 2 ** 20} MiB instance`,
      );
      assert.ok(report.maxRssKiB < 150 * 1024, `peak RSS ${report.maxRssKiB} KiB`);
      assert.equal(report.stored.length, 1);
      const path = report.stored[0]!.path;
      assert.equal(path, join(dir, `${uid}.dcm`));
      const size = statSync(path).size;
      assert.ok(size > SIZE && size < SIZE + 1024, `file size ${size}`);
      // The last bytes are the pixel data's.
      const fd = openSync(path, 'r');
      const tail = new Uint8Array(16);
      readSync(fd, tail, 0, 16, size - 16);
      closeSync(fd);
      assert.ok(tail.every((b) => b === 0x5a));
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
