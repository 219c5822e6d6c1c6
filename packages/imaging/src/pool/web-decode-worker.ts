/**
 * The Web Worker entry of a browser {@link DecodePool} (`@dicomkit/imaging/decode-worker`): bundle it as its own
 * module and pass its URL to {@link createWebDecodePool}. It answers each decode request on its port.
 */
import {
  handleDecodeRequest,
  transferList,
  type DecodeRequest,
  type DecodeResponse,
} from './decode-protocol.js';

interface WorkerScope {
  onmessage: ((e: { data: DecodeRequest }) => void) | null;
  postMessage(r: DecodeResponse, transfer: ArrayBuffer[]): void;
}

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  void handleDecodeRequest(e.data).then((r) => scope.postMessage(r, transferList(r)));
};
