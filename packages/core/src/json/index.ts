/** The DICOM JSON Model (PS3.18 Annex F), both directions. */
export {
  toJson,
  stringifyDicomJson,
  BULK_DATA_URI_VRS,
  type ToJsonOptions,
  type DicomJson,
  type DicomJsonAttribute,
  type JsonValue,
  type PersonNameJson,
} from './to-json.js';
export { fromJson, type FromJsonOptions } from './from-json.js';
export { encodeBase64, decodeBase64, Base64Error } from './base64.js';
export { BulkDataUriSource } from './bulk-data-uri.js';
export { encapsulatedValueField, parseEncapsulated } from './attribute-model.js';
