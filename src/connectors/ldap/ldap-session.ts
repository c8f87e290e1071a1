/**
 * One LDAPS connection per operation batch: connect, bind as the service account, run the batch,
 * always unbind (which closes the socket), and translate every failure into a typed error. A fresh
 * connection per batch costs a TLS handshake but never leaks sockets or carries state between calls.
 */
import { Client, type ClientOptions, type Change, type SearchOptions, type SearchResult } from 'ldapts';
import type { Logger } from 'pino';
import { LifecycleError } from '../../core/errors.js';
import { type LdapOperation, toLifecycleError } from './ldap-errors.js';

/** The part of ldapts' `Client` the connector uses; a seam for AD-only behaviour in unit tests. */
export interface LdapClient {
  bind(dn: string, password: string): Promise<void>;
  search(baseDn: string, options: SearchOptions): Promise<SearchResult>;
  modify(dn: string, changes: Change | Change[]): Promise<void>;
  modifyDN(dn: string, newDn: string): Promise<void>;
  unbind(): Promise<void>;
}

export type CreateLdapClient = (options: ClientOptions) => LdapClient;

export interface LdapSessionOptions {
  url: string;
  bindDn: string;
  bindPassword: string;
  tlsCa?: string | readonly string[];
  tlsServerName?: string;
  rejectUnauthorized: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
  logger: Logger;
  createClient?: CreateLdapClient;
}

export class LdapSession {
  readonly #options: LdapSessionOptions;
  readonly #createClient: CreateLdapClient;

  constructor(options: LdapSessionOptions) {
    this.#options = options;
    this.#createClient = options.createClient ?? ((clientOptions) => new Client(clientOptions));
  }

  /** Runs `batch` on a bound connection; errors leave as `LifecycleError`s. */
  async run<T>(operation: LdapOperation, batch: (client: LdapClient) => Promise<T>): Promise<T> {
    const startedAt = Date.now();
    const client = this.#createClient(this.#clientOptions());
    try {
      await this.#bind(client);
      const result = await batch(client);
      this.#options.logger.debug(
        { op: operation, durationMs: Date.now() - startedAt, outcome: 'ok' },
        'ldap operation',
      );
      return result;
    } catch (error) {
      const typed = error instanceof LifecycleError ? error : toLifecycleError(error, operation);
      this.#options.logger.warn(
        {
          op: operation,
          durationMs: Date.now() - startedAt,
          outcome: 'error',
          errorCode: typed.code,
          errorName: typed.name,
        },
        typed.message,
      );
      throw typed;
    } finally {
      await this.#unbind(client, operation);
    }
  }

  async #bind(client: LdapClient): Promise<void> {
    try {
      await client.bind(this.#options.bindDn, this.#options.bindPassword);
    } catch (error) {
      throw toLifecycleError(error, 'bind');
    }
  }

  async #unbind(client: LdapClient, operation: LdapOperation): Promise<void> {
    try {
      await client.unbind();
    } catch (error) {
      // The socket is gone either way; the batch's own result stands.
      this.#options.logger.warn({ op: operation, err: describe(error) }, 'ldap unbind failed');
    }
  }

  #clientOptions(): ClientOptions {
    const { tlsCa, tlsServerName, rejectUnauthorized, timeoutMs, connectTimeoutMs, url } = this.#options;
    return {
      url,
      timeout: timeoutMs,
      connectTimeout: connectTimeoutMs,
      tlsOptions: {
        minVersion: 'TLSv1.2',
        rejectUnauthorized,
        ...(tlsCa === undefined ? {} : { ca: typeof tlsCa === 'string' ? [tlsCa] : [...tlsCa] }),
        ...(tlsServerName === undefined ? {} : { servername: tlsServerName }),
      },
    };
  }
}

/** Name and message only: an ldapts error carries no credentials, but its request might. */
function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
