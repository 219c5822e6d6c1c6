/**
 * @dicomkit/net: the DICOM Upper Layer (PS3.8), DIMSE (PS3.7), Verification, Storage and Query/Retrieve
 * SCU and SCP, TLS. Layers, bottom up: pdu/ → fsm/ → association → dimse/ → services/ → ae.
 */
export * from './pdu/types.js';
export * from './pdu/encode.js';
export * from './pdu/decode.js';
export * from './pdu/framer.js';
export * from './fsm/table.js';
export * from './fsm/upper-layer.js';
export * from './negotiation.js';
export * from './dimse/command.js';
export * from './dimse/status.js';
export * from './dimse/sink.js';
export * from './association.js';
export * from './services/registry.js';
export * from './services/verification.js';
export * from './services/file-sink.js';
export * from './services/temp-files.js';
export * from './services/storage-scp.js';
export * from './services/storage-sinks.js';
export * from './services/storage-scu.js';
export * from './ae.js';
export * from './services/matching.js';
export * from './services/folder-provider.js';
export * from './services/qr-scp.js';
export * from './services/qr-scu.js';
export * from './pdu/pdu-stream.js';
export * from './services/normalized.js';
