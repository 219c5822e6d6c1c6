/**
 * The Web Worker entry of a browser {@link CodecPool} (`@dicomkit/imaging/codec-worker`): bundle it as its own
 * module and pass its URL to {@link createWebCodecPool}. It answers each request on its port.
 */
import { handleCodecRequest, transferList, type CodecRequest } from './codec-protocol.js';

addEventListener('message', (e: MessageEvent<CodecRequest>) => {
  void handleCodecRequest(e.data).then((r) => postMessage(r, { transfer: transferList(r) }));
});
