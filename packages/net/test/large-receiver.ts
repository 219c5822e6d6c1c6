/**
 * Child process for the large-instance test: a storage SCP whose peak resident memory is measured on its own.
 * Prints {"port":N} when listening and {"maxRssKiB":N,"stored":[…]} when told to stop (a line "stop" on stdin).
 */
import { DicomServer, ServiceRegistry, StorageScp } from '../src/index.js';

const dir = process.argv[2]!;
const stored: { path: string; size: number }[] = [];
const server = new DicomServer({
  policy: { transferSyntaxesFor: () => ['1.2.840.10008.1.2.1'] },
  handler: new ServiceRegistry([
    new StorageScp({
      directory: dir,
      fsync: false,
      onStored: (s) => stored.push({ path: s.path, size: s.size }),
    }),
  ]),
});
const addr = await server.listen(0);
process.stdout.write(`${JSON.stringify({ port: addr.port })}\n`);
process.stdin.on('data', async () => {
  await server.close();
  process.stdout.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, stored })}\n`);
  process.exit(0);
});
