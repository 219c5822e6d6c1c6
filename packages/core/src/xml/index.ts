/** The Native DICOM Model (PS3.19 Annex A), both directions, and the small XML reader under it. */
export { toXml, NATIVE_DICOM_MODEL_NAMESPACE, type ToXmlOptions } from './to-xml.js';
export { fromXml, type FromXmlOptions } from './from-xml.js';
export { parseXml, escapeXml, type XmlElement, type XmlNode, type XmlReadOptions } from './xml-reader.js';
