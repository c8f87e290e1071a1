import { AuthError, ServerError } from '@azure/msal-node';
import {
  InvalidInputError,
  LifecycleError,
  PermissionDeniedError,
  ThrottledError,
  UnavailableError,
} from '../../core/errors.js';

/** OAuth error codes that mean the app registration or its credential is wrong, not a passing fault. */
const CREDENTIAL_ERRORS = new Set([
  'invalid_client',
  'unauthorized_client',
  'invalid_grant',
  'invalid_scope',
  'invalid_request',
]);

/**
 * Translates an msal error into a lifecycle error. Messages carry the OAuth error code and the AADSTS
 * number only: msal messages never contain the secret or the assertion, but they can be long and
 * include trace ids that belong in debug logs, not in user-facing text.
 */
export function toLifecycleAuthError(error: unknown, scope: string): LifecycleError {
  if (error instanceof LifecycleError) return error;
  if (error instanceof ServerError) {
    const aadsts = /AADSTS\d+/.exec(error.errorMessage)?.[0];
    const what = `${error.errorCode}${aadsts === undefined ? '' : ` (${aadsts})`}`;
    if (error.status === 429)
      return new ThrottledError(undefined, { cause: error, message: `Token endpoint throttled: ${what}` });
    if (error.status !== undefined && error.status >= 500) {
      return new UnavailableError(`Token endpoint unavailable: ${what}`, { cause: error });
    }
    if (error.errorCode === 'temporarily_unavailable')
      return new UnavailableError(`Token endpoint unavailable: ${what}`, { cause: error });
    if (CREDENTIAL_ERRORS.has(error.errorCode)) {
      return new PermissionDeniedError(`Token request for ${scope} refused: ${what}`, { cause: error });
    }
    return new PermissionDeniedError(`Token request for ${scope} failed: ${what}`, { cause: error });
  }
  if (error instanceof AuthError) {
    if (error.errorCode === 'network_error' || error.errorCode.includes('timeout')) {
      return new UnavailableError(`Token endpoint unreachable (${error.errorCode})`, { cause: error });
    }
    return new InvalidInputError(`Authentication is misconfigured: ${error.errorCode}`, { cause: error });
  }
  if (error instanceof Error)
    return new UnavailableError(`Token request failed: ${error.message}`, { cause: error });
  return new UnavailableError('Token request failed', { cause: error });
}
