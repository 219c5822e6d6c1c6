/**
 * The worker_threads entry of a Node {@link CodecPool}: answers each decode request on its port.
 * Codecs load on the first frame that needs them and stay loaded for the worker's life.
 */
import { parentPort } from 'node:worker_threads';
import { handleCodecRequest, transferList, type CodecRequest } from '../pool/codec-protocol.js';

const port = parentPort;
if (!port) throw new Error('codec-worker.js runs as a worker thread of a CodecPool');
port.on('message', (req: CodecRequest) => {
  void handleCodecRequest(req).then((r) => port.postMessage(r, transferList(r)));
});
