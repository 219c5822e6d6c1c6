/**
 * The child-process entry of a native codec pool ({@link createNativeCodecPool}): registers the native decoders and
 * answers each request from the parent over the IPC channel (advanced serialization: typed arrays as they are).
 * A codestream that crashes a native library ends this process only; the pool fails that frame with a typed error
 * and starts another process.
 */
import { handleCodecRequest } from '@dicomkit/imaging';
import { registerNativeCodecs, type RegisterNativeOptions } from './register.js';
import { loadAddon } from './addon.js';
import { SHARED_MEMORY_FD, SharedSlots, type SharedRequest } from './shared-slots.js';

const send = process.send?.bind(process);
if (!send) throw new Error('codec-process.js runs as a child process of a native codec pool');
const setup = JSON.parse(process.env.DICOMKIT_NATIVE_SETUP ?? '{}') as {
  families?: RegisterNativeOptions;
  modules?: string[];
  slots?: number;
};
const addon = loadAddon();
if (addon instanceof Error) throw addon;
const slots = setup.slots ?? 1;
const shared = new SharedSlots(addon.mapSharedMemory(SHARED_MEMORY_FD, SharedSlots.bytesFor(slots)), slots);
// Both families by default: a crash here ends only this process.
registerNativeCodecs({ jpeg2000: true, htj2k: true, ...setup.families });
for (const m of setup.modules ?? []) await import(m);
process.on('message', (req: SharedRequest) => {
  void handleCodecRequest(shared.takeRequest(req)).then((r) => send(shared.putResponse(r, req.shared)));
});
// The parent going away closes the channel: nothing left to serve.
process.on('disconnect', () => process.exit(0));
