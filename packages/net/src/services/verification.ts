/**
 * Verification Service Class, SCU side (PS3.4 Annex A, PS3.7 §9.1.5 C-ECHO).
 */
import { DicomError } from '@dicomkit/core';
import type { Association } from '../association.js';
import { CommandField, NO_DATASET } from '../dimse/command.js';

export const VERIFICATION_SOP_CLASS = '1.2.840.10008.1.1';

/** Sends C-ECHO-RQ and returns the response status. */
export async function echo(association: Association, signal?: AbortSignal): Promise<number> {
  const ctx = association.findContext(VERIFICATION_SOP_CLASS);
  if (!ctx) throw new DicomError('DIMSE_ERROR', 'the peer did not accept the Verification SOP class');
  const rsp = await association.requestResponse(
    ctx.id,
    {
      CommandField: CommandField.CEchoRq,
      AffectedSOPClassUID: VERIFICATION_SOP_CLASS,
      CommandDataSetType: NO_DATASET,
    },
    undefined,
    signal ? { signal } : {},
  );
  return rsp.command.Status ?? 0;
}
