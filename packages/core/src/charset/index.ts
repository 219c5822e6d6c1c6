/**
 * Character sets (PS3.3 C.12.1.1.2, PS3.5 §6.1): decode and encode the values of the VRs that the
 * Specific Character Set (0008,0005) governs (SH, LO, ST, LT, PN, UC, UT).
 *
 * The contract with the data model: `decodeText` returns the whole value as Unicode, with every value
 * delimiter (0x5C in the default repertoire) as "\\" and the PN delimiters "^" and "=" kept, so the caller
 * splits after decoding. `encodeText` is its mirror image.
 */
export { decodeText, encodeText, normalizeCharsets } from './codec.js';
