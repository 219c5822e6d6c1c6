// "Every value decoded": the same walk for each parser in the parse benchmarks — every element's value read in
// its VR (numbers as numbers, text as strings, binary by length), sequences recursed, Pixel Data skipped.
// Returns a count so the work cannot be optimised away.

/** dicomkit: Dataset.value of every element. */
export function visitDicomkit(ds) {
  let n = 0;
  for (const el of ds) {
    if (el.items) for (const it of el.items) n += visitDicomkit(it);
    else if (el.tag !== 0x7fe00010) {
      const v = ds.value(el.tag);
      n += v && v.length !== undefined ? v.length : 1;
    }
  }
  return n;
}

const NUMERIC = { US: 'uint16', SS: 'int16', UL: 'uint32', SL: 'int32', FL: 'float', FD: 'double' };
const SIZES = { uint16: 2, int16: 2, uint32: 4, int32: 4, float: 4, double: 8 };

/** dicom-parser: its typed accessors for numeric VRs, string() for text. */
export function visitDicomParser(ds) {
  let n = 0;
  for (const k in ds.elements) {
    const el = ds.elements[k];
    if (el.items) for (const it of el.items) n += visitDicomParser(it.dataSet);
    else if (k !== 'x7fe00010') {
      const f = NUMERIC[el.vr];
      if (f) for (let j = 0; j < el.length / SIZES[f]; j++) n += ds[f](k, j) ? 1 : 0;
      else if (el.vr === 'OB' || el.vr === 'OW' || el.vr === 'UN' || el.vr === 'OF') n += el.length;
      else n += (ds.string(k) ?? '').length;
    }
  }
  return n;
}
