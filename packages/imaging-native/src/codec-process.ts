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

/** What the pool tells its child (process-pool.ts's ChildSetup), read back from the environment and checked. */
function readSetup(json: string | undefined): {
  families: RegisterNativeOptions;
  modules: string[];
  slots: number;
} {
  const v: unknown = JSON.parse(json ?? '{}');
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const f =
    typeof o.families === 'object' && o.families !== null ? (o.families as Record<string, unknown>) : {};
  const families: RegisterNativeOptions = {};
  if (typeof f.jpeg2000 === 'boolean') families.jpeg2000 = f.jpeg2000;
  if (typeof f.htj2k === 'boolean') families.htj2k = f.htj2k;
  const modules = Array.isArray(o.modules) ? o.modules.filter((m): m is string => typeof m === 'string') : [];
  const slots = typeof o.slots === 'number' && Number.isInteger(o.slots) && o.slots > 0 ? o.slots : 1;
  return { families, modules, slots };
}

const send = process.send?.bind(process);
if (!send) throw new Error('codec-process.js runs as a child process of a native codec pool');
const setup = readSetup(process.env.DICOMKIT_NATIVE_SETUP);
const addon = loadAddon();
if (addon instanceof Error) throw addon;
const shared = new SharedSlots(
  addon.mapSharedMemory(SHARED_MEMORY_FD, SharedSlots.bytesFor(setup.slots)),
  setup.slots,
);
// Both families by default: a crash here ends only this process.
registerNativeCodecs({ jpeg2000: true, htj2k: true, ...setup.families });
for (const m of setup.modules) await import(m);
process.on('message', (req: SharedRequest) => {
  void handleCodecRequest(shared.takeRequest(req)).then((r) => send(shared.putResponse(r, req.shared)));
});
// The parent going away closes the channel: nothing left to serve.
process.on('disconnect', () => process.exit(0));
