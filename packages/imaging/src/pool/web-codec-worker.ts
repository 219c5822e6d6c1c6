/**
 * The Web Worker entry of a browser {@link CodecPool} (`@dicomkit/imaging/codec-worker`): bundle it as its own
 * module and pass its URL to {@link createWebCodecPool}. It answers each decode request on its port.
 */
import { handleCodecRequest, transferList, type CodecRequest, type CodecResponse } from './codec-protocol.js';

interface WorkerScope {
  onmessage: ((e: { data: CodecRequest }) => void) | null;
  postMessage(r: CodecResponse, transfer: ArrayBuffer[]): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  void handleCodecRequest(e.data).then((r) => scope.postMessage(r, transferList(r)));
};
