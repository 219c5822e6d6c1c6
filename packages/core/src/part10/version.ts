/** dicomkit's Implementation Class UID and Version Name, written in the File Meta (PS3.7 §D.3.3.2, PS3.10 §7.1). */
export const IMPLEMENTATION_CLASS_UID = '2.25.50329865911808218263177416415002650056';
export const IMPLEMENTATION_VERSION_NAME = 'DICOMKIT_010';
