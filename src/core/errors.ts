/**
 * Typed errors of the lifecycle core. Connectors translate SDK and HTTP errors into these at their
 * boundary and keep the original as `cause`; the core never sees an SDK error.
 */
export abstract class LifecycleError extends Error {
  /** Whether the runner may retry the failed call. */
  abstract readonly retryable: boolean;
  /** Stable machine-readable code, stored in the journal. */
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The base of the errors the runner retries, with their stable code and the delay the service asked
 * for, when it said.
 */
function retryable<C extends string>(code: C) {
  abstract class RetryableError extends LifecycleError {
    readonly retryable = true;
    readonly code = code;
    /** Delay the service asked for (Retry-After, replication time), in milliseconds. */
    readonly retryAfterMs: number | undefined;
    constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
      super(message, options);
      this.retryAfterMs = options?.retryAfterMs;
    }
  }
  return RetryableError;
}

/** The base of the errors the runner never retries, with their stable code. */
function permanent<C extends string>(code: C) {
  abstract class PermanentError extends LifecycleError {
    readonly retryable = false;
    readonly code = code;
  }
  return PermanentError;
}

/** The service asked us to slow down (HTTP 429, Exchange micro-delay, LDAP busy). */
export class ThrottledError extends retryable('throttled') {
  constructor(retryAfterMs?: number, options?: ErrorOptions & { message?: string }) {
    super(options?.message ?? 'Throttled by the service', { ...options, retryAfterMs });
  }
}

/** Transient failure: 5xx, timeout, connection reset, LDAP unavailable. */
export class UnavailableError extends retryable('unavailable') {}

export class NotFoundError extends permanent('not-found') {}

export class PermissionDeniedError extends permanent('permission-denied') {}

/** The target is in a state that forbids the change (synced object, licence needed, version mismatch). */
export class ConflictError extends permanent('conflict') {}

export class InvalidInputError extends permanent('invalid-input') {}

/** A policy rule refused the action (four eyes, protected account, role). */
export class PolicyError extends permanent('policy') {}

export class CancelledError extends permanent('cancelled') {
  constructor(message = 'Cancelled', options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * Verification read back a state different from the one the step promised. `retryAfterMs`: how long
 * the service usually takes to show a change (replication), when known.
 */
export class VerificationError extends retryable('verification') {}

export function isRetryable(error: unknown): boolean {
  return error instanceof LifecycleError && error.retryable;
}

/** The delay a retryable error asked for, if any. */
export function retryAfterOf(error: unknown): number | undefined {
  if (error instanceof ThrottledError) return error.retryAfterMs;
  if (error instanceof UnavailableError) return error.retryAfterMs;
  if (error instanceof VerificationError) return error.retryAfterMs;
  return undefined;
}

/** A journal-safe description of any error: code, name, message; never a stack or a payload. */
export function describeError(error: unknown): { code: string; name: string; message: string } {
  if (error instanceof LifecycleError) return { code: error.code, name: error.name, message: error.message };
  if (error instanceof Error) return { code: 'internal', name: error.name, message: error.message };
  return { code: 'internal', name: 'Error', message: String(error) };
}
