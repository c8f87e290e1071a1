import {
  ConflictError,
  InvalidInputError,
  type LifecycleError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
} from '../../core/errors.js';

/**
 * How the core should treat a failed service call, named like the `code` of the error it becomes.
 * Each connector decides the kind from what its service says; `toFailureError` builds the error.
 */
export type FailureKind =
  'throttled' | 'unavailable' | 'permission-denied' | 'not-found' | 'conflict' | 'invalid-input';

/**
 * What an HTTP status says on its own: 429 throttled, 408 and 5xx unavailable, 401/403 permission
 * denied, 404 not found. Undefined for the statuses whose meaning depends on the service.
 */
export function failureKindOfStatus(status: number): FailureKind | undefined {
  if (status === 429) return 'throttled';
  if (status === 408 || status >= 500) return 'unavailable';
  if (status === 401 || status === 403) return 'permission-denied';
  if (status === 404) return 'not-found';
  return undefined;
}

export interface FailureErrorOptions {
  /** The original failure. */
  cause: unknown;
  /** From `Retry-After`; only the retryable kinds carry it. */
  retryAfterMs?: number | undefined;
}

const ERRORS: Record<FailureKind, (message: string, options: FailureErrorOptions) => LifecycleError> = {
  throttled: (message, { cause, retryAfterMs }) => new ThrottledError(retryAfterMs, { cause, message }),
  unavailable: (message, { cause, retryAfterMs }) => new UnavailableError(message, { cause, retryAfterMs }),
  'permission-denied': (message, { cause }) => new PermissionDeniedError(message, { cause }),
  'not-found': (message, { cause }) => new NotFoundError(message, { cause }),
  conflict: (message, { cause }) => new ConflictError(message, { cause }),
  'invalid-input': (message, { cause }) => new InvalidInputError(message, { cause }),
};

/** The core's typed error of `kind`, keeping the original failure as `cause`. */
export function toFailureError(
  kind: FailureKind,
  message: string,
  options: FailureErrorOptions,
): LifecycleError {
  return ERRORS[kind](message, options);
}
