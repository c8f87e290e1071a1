import { GraphError } from '@microsoft/microsoft-graph-client';
import { LifecycleError, UnavailableError } from '../../core/errors.js';
import { type FailureKind, failureKindOfStatus, toFailureError } from '../http/failure-kind.js';
import { parseRetryAfterMs } from '../http/retry-after.js';

/**
 * 400 messages that mean "the target's state forbids this change" rather than "the request is
 * malformed". Graph codes are generic (`Request_BadRequest`) for these, so the message text decides
 * (graph.md §3, §6, §7, §14; all [observed] strings).
 */
const CONFLICT_MESSAGES: readonly RegExp[] = [
  /on-premises mastered Directory Sync objects/i,
  /originated within an external service/i,
  /inherited from a group membership/i,
  /dynamic membership/i,
  /mail-enabled security groups? and or distribution list/i,
  /conflicting object/i,
  /already exist/i,
  /does not have a corresponding license/i,
  /usage location/i,
  /not enough licen[cs]es|CountViolation|MutuallyExclusiveViolation|DependencyViolation|depends on the service plan/i,
];

export interface GraphErrorFacts {
  status: number;
  code: string | undefined;
  message: string;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
}

/** The facts of a Graph client error, or of a `$batch` item response. */
export function graphErrorFacts(error: GraphError): GraphErrorFacts {
  const headers = error.headers;
  return {
    status: error.statusCode,
    code: error.code ?? undefined,
    message: error.message,
    requestId: error.requestId ?? headers?.get('request-id') ?? undefined,
    retryAfterMs: parseRetryAfterMs(headers?.get('retry-after')),
  };
}

/** Translates Graph failures into the core's typed errors; `what` says which operation failed. */
export function toLifecycleError(error: unknown, what: string): LifecycleError {
  if (error instanceof LifecycleError) return error;
  if (error instanceof GraphError) return fromFacts(graphErrorFacts(error), what, error);
  if (error instanceof Error) return new UnavailableError(`${what}: ${error.message}`, { cause: error });
  return new UnavailableError(`${what}: unexpected failure`, { cause: error });
}

/**
 * Graph's refusals to write attributes another system masters (graph.md §3: directory sync, and
 * "objects that have originated within an external service"), with what the operator should do instead.
 */
const MASTERED_ELSEWHERE: readonly { pattern: RegExp; explanation: string }[] = [
  {
    pattern: /on-premises mastered Directory Sync objects/i,
    explanation:
      'the object is mastered in on-premises Active Directory (directory sync); change it in AD, not in Entra ID',
  },
  {
    pattern: /originated within an external service/i,
    explanation:
      'the object is mastered by another service (for example Exchange Online or a former sync source); change it there, not in Entra ID',
  },
];

/** The operator-facing explanation when a 400 says the target is mastered elsewhere, else undefined. */
export function masteredElsewhereExplanation(
  facts: Pick<GraphErrorFacts, 'status' | 'message'>,
): string | undefined {
  if (facts.status !== 400) return undefined;
  return MASTERED_ELSEWHERE.find((m) => m.pattern.test(facts.message))?.explanation;
}

export function fromFacts(facts: GraphErrorFacts, what: string, cause: unknown): LifecycleError {
  const detail = `${facts.code ?? `HTTP ${facts.status}`}${facts.message === '' ? '' : `: ${facts.message}`}`;
  const suffix = facts.requestId === undefined ? '' : ` (request-id ${facts.requestId})`;
  const mastered = masteredElsewhereExplanation(facts);
  const message =
    mastered === undefined
      ? `${what} failed: ${detail}${suffix}`
      : `${what} refused: ${mastered} (${detail})${suffix}`;
  return toFailureError(graphFailureKind(facts), message, { cause, retryAfterMs: facts.retryAfterMs });
}

/**
 * Beyond what the status says on its own: no HTTP response (-1, 0) is unavailable; 409, 412 and the
 * 400s matching CONFLICT_MESSAGES are conflicts.
 */
function graphFailureKind({ status, message }: GraphErrorFacts): FailureKind {
  if (status === -1 || status === 0) return 'unavailable';
  const kind = failureKindOfStatus(status);
  if (kind !== undefined) return kind;
  if (status === 409 || status === 412) return 'conflict';
  if (status === 400 && CONFLICT_MESSAGES.some((pattern) => pattern.test(message))) return 'conflict';
  return 'invalid-input';
}

/** True when the Graph failure's message matches (used for idempotent "already done" outcomes). */
export function graphMessageMatches(error: unknown, pattern: RegExp): boolean {
  const cause = error instanceof LifecycleError ? error.cause : error;
  return cause instanceof GraphError && pattern.test(cause.message);
}

export function graphStatusOf(error: unknown): number | undefined {
  const cause = error instanceof LifecycleError ? error.cause : error;
  return cause instanceof GraphError ? cause.statusCode : undefined;
}
