/** Every request the sandbox answered, in order: for "nothing applied twice" style assertions. */

export type RequestOutcome =
  'ok' | 'error' | 'fault' | 'throttled' | 'unauthorized' | 'forbidden' | 'timeout' | 'reset';

export interface RequestLogEntry {
  seq: number;
  /** ISO time the request arrived (sandbox clock). */
  time: string;
  method: string;
  host: string;
  /** Path after the host, without the query. */
  path: string;
  query: string;
  service: string;
  /** Status sent (0 for timeouts and resets). */
  status: number;
  outcome: RequestOutcome;
  /** Calling app id when a token was verified. */
  appId: string | null;
  /** Short name of a write (e.g. 'user.disable', 'exo.Remove-MailboxPermission'); null for reads. */
  operation: string | null;
  /**
   * What a write acted on, for "applied once per target" checks: the Exchange cmdlet's Identity and
   * User/Trustee with the names of the other parameters, SharePoint's siteUrl and loginName, else the
   * Graph path (which names the object). Null for reads.
   */
  target: string | null;
  /** What the request does when its path doesn't say: an Exchange cmdlet's name, reads included. */
  action: string | null;
  requestId: string;
  /** request-id of the enclosing `$batch`, when the request was a batch item. */
  batchRequestId: string | null;
  durationMs: number;
}

export interface RequestLogFilter {
  service?: string;
  method?: string;
  operation?: string;
  appId?: string;
  /** Only successful (2xx) writes. */
  appliedOnly?: boolean;
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly maxEntries = 100_000) {}

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    this.seq += 1;
    const full = { seq: this.seq, ...entry };
    this.entries.push(full);
    if (this.entries.length > this.maxEntries) this.entries.splice(0, this.entries.length - this.maxEntries);
    return full;
  }

  all(): readonly RequestLogEntry[] {
    return this.entries;
  }

  find(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.entries.filter(
      (e) =>
        (filter.service === undefined || e.service === filter.service) &&
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.operation === undefined || e.operation === filter.operation) &&
        (filter.appId === undefined || e.appId === filter.appId) &&
        (!filter.appliedOnly || (e.operation !== null && e.status >= 200 && e.status < 300)),
    );
  }

  /** Successful writes of an operation, e.g. `applied('user.disable')`. */
  applied(operation: string): RequestLogEntry[] {
    return this.find({ operation, appliedOnly: true });
  }

  clear(): void {
    this.entries = [];
  }
}
