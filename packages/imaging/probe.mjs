import f1 from '@cornerstonejs/codec-openjpeg/wasmjs';
import f2 from '@cornerstonejs/codec-openjph/wasmjs';
import f3 from '@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs';
import f4 from '@cornerstonejs/codec-charls/wasmjs';
const mods = { oj: await f1(), ph: await f2(), jt: await f3(), ch: await f4() };
const tryc = (o, name, args) => {
  try {
    const r = o[name](...args);
    console.log(name, args.length, 'ok', r && typeof r === 'object' ? Object.keys(r) : r);
  } catch (e) {
    console.log(name, args.length, String(e).slice(0, 150));
  }
};
for (const [m, cls] of [
  ['oj', 'J2KEncoder'],
  ['ph', 'HTJ2KEncoder'],
  ['jt', 'JPEGEncoder'],
  ['ch', 'JpegLSEncoder'],
  ['oj', 'J2KDecoder'],
  ['ph', 'HTJ2KDecoder'],
  ['jt', 'JPEGDecoder'],
]) {
  const o = new mods[m][cls]();
  console.log('==', cls);
  for (const name of Object.getOwnPropertyNames(mods[m][cls].prototype))
    if (name !== 'constructor' && !name.startsWith('decode') && name !== 'encode') tryc(o, name, []);
}
