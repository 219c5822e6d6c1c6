/**
 * @dicomkit/archive: durable blob storage, an SQL index of patients, studies, series and instances, ingest with
 * crash reconciliation, and the DIMSE services over them. Layers: storage/ and index/ → ingest → dimse.
 */
export * from './storage/blob-store.js';
export * from './storage/fs-blob-store.js';
export * from './storage/keys.js';
export * from './index/schema.js';
export * from './index/migrations.js';
export * from './index/keys.js';
export * from './index/record.js';
export * from './index/archive-index.js';
export * from './index/sql-matching.js';
export * from './index/query.js';
export * from './ingest.js';
export * from './reconcile.js';
export * from './storage-scp.js';
export * from './qr-provider.js';
export * from './dimse.js';
