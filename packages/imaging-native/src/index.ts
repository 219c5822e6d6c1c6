/**
 * @dicomkit/imaging-native: JPEG 2000 and HTJ2K decoding for Node on the system's native libraries, OpenJPEG and
 * OpenJPH, at native speed — in child processes that isolate the libraries' crashes ({@link createNativeCodecPool}),
 * or in this process ({@link registerNativeCodecs}). Built at `npm install` when the libraries' headers are there;
 * otherwise {@link nativeCodecsAvailable} is false and @dicomkit/imaging's WASM codecs serve as before.
 */
export { nativeCodecsAvailable, loadAddon, type DecodedCodestream, type NativeAddon } from './addon.js';
export { nativeFrameCodec } from './codecs.js';
export { registerNativeCodecs, NATIVE_TRANSFER_SYNTAXES, type RegisterNativeOptions } from './register.js';
export { createNativeCodecPool, type NativeCodecPoolOptions } from './process-pool.js';
