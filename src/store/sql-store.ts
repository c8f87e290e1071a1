import type {
  AuditLog,
  ConversationStore,
  Journal,
  KeyValueStore,
  RequestStore,
  RunStore,
  Store,
  WorkQueue,
} from '../core/ports/store.js';
import type { SqlClient } from './sql-client.js';
import { SqlAuditLog } from './sql-audit-log.js';
import { SqlJournal } from './sql-journal.js';
import { SqlHashChains } from './sql-hash-chain.js';
import { SqlConversationStore, SqlKeyValueStore } from './sql-key-value-stores.js';
import { SqlRequestStore } from './sql-request-store.js';
import { SqlRunStore } from './sql-run-store.js';
import { SqlWorkQueue } from './sql-work-queue.js';

/** The Store port over either SQL driver; the schema must already be migrated. */
export class SqlStore implements Store {
  readonly requests: RequestStore;
  readonly runs: RunStore;
  readonly journal: Journal;
  readonly audit: AuditLog;
  readonly conversations: ConversationStore;
  readonly state: KeyValueStore;
  readonly queue: WorkQueue;
  /** The hash chains over the audit trail and the journal: read and verified by `lifecycle audit verify`. */
  readonly chains: SqlHashChains;
  private isClosed = false;

  constructor(private readonly client: SqlClient) {
    this.requests = new SqlRequestStore(client);
    this.runs = new SqlRunStore(client);
    this.journal = new SqlJournal(client);
    this.audit = new SqlAuditLog(client);
    this.conversations = new SqlConversationStore(client);
    this.state = new SqlKeyValueStore(client);
    this.queue = new SqlWorkQueue(client);
    this.chains = new SqlHashChains(client);
  }

  /** `pglite` or `postgres`. */
  get driver(): SqlClient['driver'] {
    return this.client.driver;
  }

  /** Closes the database or the pool; calling it again does nothing. */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    await this.client.close();
  }
}
