import { GraphError } from '@microsoft/microsoft-graph-client';
import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
} from '../../../../src/core/errors.js';
import { retryAfterOf } from '../../../../src/core/errors.js';
import { graphMessageMatches, toLifecycleError } from '../../../../src/connectors/graph/graph-errors.js';

function graphError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  error.requestId = 'req-1';
  error.headers = new Headers(headers);
  return error;
}

describe('Graph error translation', () => {
  it('turns 429 into ThrottledError with Retry-After in milliseconds and keeps the cause', () => {
    const cause = graphError(429, 'TooManyRequests', 'Please retry again later.', { 'Retry-After': '7' });
    const error = toLifecycleError(cause, 'Get user');
    expect(error).toBeInstanceOf(ThrottledError);
    expect(retryAfterOf(error)).toBe(7000);
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('request-id req-1');
  });

  it('turns 503/504 and network failures into UnavailableError', () => {
    expect(
      toLifecycleError(graphError(503, 'serviceNotAvailable', 'x', { 'Retry-After': '2' }), 'a'),
    ).toBeInstanceOf(UnavailableError);
    expect(toLifecycleError(graphError(504, 'gatewayTimeout', 'x'), 'a')).toBeInstanceOf(UnavailableError);
    expect(toLifecycleError(new GraphError(-1, 'fetch failed'), 'a')).toBeInstanceOf(UnavailableError);
  });

  it('maps 404, 401/403 and 409', () => {
    expect(
      toLifecycleError(graphError(404, 'Request_ResourceNotFound', "Resource 'x' does not exist"), 'a'),
    ).toBeInstanceOf(NotFoundError);
    expect(
      toLifecycleError(
        graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
        'a',
      ),
    ).toBeInstanceOf(PermissionDeniedError);
    expect(toLifecycleError(graphError(409, 'Conflict', 'exists'), 'a')).toBeInstanceOf(ConflictError);
  });

  it('recognises the 400s that mean the target state forbids the change', () => {
    const synced =
      'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.';
    expect(toLifecycleError(graphError(400, 'Request_BadRequest', synced), 'a')).toBeInstanceOf(
      ConflictError,
    );
    const inherited =
      'User license is inherited from a group membership and it cannot be removed directly from the user.';
    expect(toLifecycleError(graphError(400, 'Request_BadRequest', inherited), 'a')).toBeInstanceOf(
      ConflictError,
    );
    expect(
      toLifecycleError(graphError(400, 'Request_BadRequest', 'Invalid filter clause'), 'a'),
    ).toBeInstanceOf(InvalidInputError);
  });

  it('says where to make the change when the target is mastered elsewhere', () => {
    const synced = toLifecycleError(
      graphError(
        400,
        'Request_BadRequest',
        'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.',
      ),
      'Update x',
    );
    expect(synced).toBeInstanceOf(ConflictError);
    expect(synced.message).toMatch(
      /^Update x refused: the object is mastered in on-premises Active Directory/,
    );
    const external = toLifecycleError(
      graphError(
        400,
        'Request_BadRequest',
        'Unable to update the specified properties for objects that have originated within an external service.',
      ),
      'Update x',
    );
    expect(external).toBeInstanceOf(ConflictError);
    expect(external.message).toMatch(/mastered by another service/);
    expect(external.message).toMatch(/originated within an external service/);
  });

  it('matches messages through the wrapped cause', () => {
    const error = toLifecycleError(
      graphError(
        400,
        'Request_BadRequest',
        "One or more removed object references do not exist for the following modified properties: 'members'.",
      ),
      'a',
    );
    expect(graphMessageMatches(error, /removed object references do not exist/)).toBe(true);
  });
});
