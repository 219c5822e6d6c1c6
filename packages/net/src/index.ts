/**
 * @dicomkit/net: the DICOM Upper Layer (PS3.8), DIMSE (PS3.7), Verification, Storage and Query/Retrieve
 * SCU and SCP, TLS. Layers, bottom up: pdu/ → fsm/ → association → dimse/ → services/ → ae.
 */
export * from './pdu/types.js';
export * from './pdu/encode.js';
export * from './pdu/decode.js';
export * from './pdu/framer.js';
