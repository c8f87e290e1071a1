import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  retryAfterOf,
  ThrottledError,
  UnavailableError,
} from '../../../../src/core/errors.js';
import { failureKindOfStatus, toFailureError } from '../../../../src/connectors/http/failure-kind.js';

describe('failure kinds', () => {
  it('reads throttling, unavailability, denial and absence from the status alone', () => {
    expect([429, 408, 500, 503, 401, 403, 404].map(failureKindOfStatus)).toEqual([
      'throttled',
      'unavailable',
      'unavailable',
      'unavailable',
      'permission-denied',
      'permission-denied',
      'not-found',
    ]);
  });

  it('leaves the statuses whose meaning depends on the service undecided', () => {
    expect([400, 409, 412, 422].map(failureKindOfStatus)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('builds the typed error with the cause, and Retry-After only on the retryable kinds', () => {
    const cause = new Error('HTTP 429');
    const throttled = toFailureError('throttled', 'Get user failed', { cause, retryAfterMs: 7000 });
    expect(throttled).toBeInstanceOf(ThrottledError);
    expect(throttled.message).toBe('Get user failed');
    expect(throttled.cause).toBe(cause);
    expect(retryAfterOf(throttled)).toBe(7000);
    expect(retryAfterOf(toFailureError('unavailable', 'm', { cause, retryAfterMs: 2000 }))).toBe(2000);
    const kinds = [
      ['permission-denied', PermissionDeniedError],
      ['not-found', NotFoundError],
      ['conflict', ConflictError],
      ['invalid-input', InvalidInputError],
    ] as const;
    for (const [kind, type] of kinds) {
      const error = toFailureError(kind, 'm', { cause, retryAfterMs: 2000 });
      expect(error).toBeInstanceOf(type);
      expect(error.cause).toBe(cause);
      expect(retryAfterOf(error)).toBeUndefined();
    }
    expect(toFailureError('unavailable', 'm', { cause })).toBeInstanceOf(UnavailableError);
  });
});
