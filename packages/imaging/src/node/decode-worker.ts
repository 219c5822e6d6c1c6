/**
 * The worker_threads entry of a Node {@link DecodePool}: answers each decode request on its port.
 * Codecs load on the first frame that needs them and stay loaded for the worker's life.
 */
import { parentPort } from 'node:worker_threads';
import { handleDecodeRequest, transferList, type DecodeRequest } from '../pool/decode-protocol.js';

const port = parentPort;
if (!port) throw new Error('decode-worker.js runs as a worker thread of a DecodePool');
port.on('message', (req: DecodeRequest) => {
  void handleDecodeRequest(req).then((r) => port.postMessage(r, transferList(r)));
});
