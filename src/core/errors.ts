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

/** The service asked us to slow down (HTTP 429, Exchange micro-delay, LDAP busy). */
export class ThrottledError extends LifecycleError {
  readonly retryable = true;
  readonly code = 'throttled';
  constructor(
    /** Delay the service asked for, from Retry-After, in milliseconds. */
    readonly retryAfterMs?: number,
    options?: ErrorOptions & { message?: string },
  ) {
    super(options?.message ?? 'Throttled by the service', options);
  }
}

/** Transient failure: 5xx, timeout, connection reset, LDAP unavailable. */
export class UnavailableError extends LifecycleError {
  readonly retryable = true;
  readonly code = 'unavailable';
  constructor(message: string, options?: ErrorOptions & { retryAfterMs?: number }) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

export class NotFoundError extends LifecycleError {
  readonly retryable = false;
  readonly code = 'not-found';
}

export class PermissionDeniedError extends LifecycleError {
  readonly retryable = false;
  readonly code = 'permission-denied';
}

/** The target is in a state that forbids the change (synced object, licence needed, version mismatch). */
export class ConflictError extends LifecycleError {
  readonly retryable = false;
  readonly code = 'conflict';
}

export class InvalidInputError extends LifecycleError {
  readonly retryable = false;
  readonly code = 'invalid-input';
}

/** A policy rule refused the action (four eyes, protected account, role). */
export class PolicyError extends LifecycleError {
  readonly retryable = false;
  readonly code = 'policy';
}

export class CancelledError extends LifecycleError {
  readonly retryable = false;
  readonly code = 'cancelled';
  constructor(message = 'Cancelled', options?: ErrorOptions) {
    super(message, options);
  }
}

/** Verification read back a state different from the one the step promised. */
export class VerificationError extends LifecycleError {
  readonly retryable = true;
  readonly code = 'verification';
  constructor(
    message: string,
    options?: ErrorOptions & {
      /** How long the service usually takes to show a change (replication), when known. */
      retryAfterMs?: number;
    },
  ) {
    super(message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly retryAfterMs: number | undefined;
}

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
