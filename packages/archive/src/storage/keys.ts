/**
 * Blob keys: derived from a SHA-256 of the SOP Instance UID — never the UID itself (ROBUSTNESS.md #16: a UID,
 * AE title or file ID must never become a path) — plus a version, so that a replacement is written beside the
 * object it replaces and the index switches from one to the other in a transaction:
 * `ab/cd/<64 hex of sha256(uid)>.<version>.dcm`, two levels of 256 folders.
 */
import { createHash, randomBytes } from 'node:crypto';

export function uidHash(sopInstanceUid: string): string {
  return createHash('sha256').update(sopInstanceUid, 'utf8').digest('hex');
}

/** A new key for an instance (a new version each call). */
export function newBlobKey(sopInstanceUid: string): string {
  const h = uidHash(sopInstanceUid);
  const version = `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
  return `${h.slice(0, 2)}/${h.slice(2, 4)}/${h}.${version}.dcm`;
}

/** The UID hash a key was made from, or undefined when the key is not one of ours. */
export function hashOfKey(key: string): string | undefined {
  const m = /^([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})\.[0-9a-z]+\.dcm$/.exec(key);
  return m && m[3]!.startsWith(m[1]! + m[2]!) ? m[3] : undefined;
}
