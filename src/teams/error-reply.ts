/** The one way an error thrown by a route reaches Teams. */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LifecycleError } from '../core/errors.js';

/**
 * Typed errors carry messages written for people and keep them; anything else becomes a reference id
 * that the log line carries too, with the error's name and message (never a stack or a payload).
 */
export function errorReply(error: unknown, logger: Logger, what: string): string {
  const reference = randomUUID().slice(0, 8);
  const err =
    error instanceof Error
      ? { name: error.name, message: error.message }
      : { name: 'Error', message: String(error) };
  logger.error({ err, what, reference }, 'handler failed');
  const detail = error instanceof LifecycleError ? error.message : `reference ${reference}`;
  return `Something went wrong (${detail}). Nothing further was changed.`;
}
