/**
 * User-facing errors: one line on stderr and exit status 1, never a stack trace (set DICOMKIT_DEBUG=1 for one).
 */
import { isDicomError } from '@dicomkit/core';

/** An error in what the user asked for (a missing file, a bad option): reported as one line. */
export class UsageError extends Error {}

export function reportAndExit(e: unknown, context?: string): never {
  const prefix = context ? `${context}: ` : '';
  let msg: string;
  if (isDicomError(e)) msg = e.describe();
  // UsageError, Node system errors (ENOENT, EACCES, ECONNREFUSED…) and the rest: their message.
  else msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`dicomkit: ${prefix}${msg}\n`);
  if (process.env.DICOMKIT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}
