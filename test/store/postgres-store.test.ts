import { afterAll, describe, it } from 'vitest';
import { startTestPostgres } from '../support/postgres.js';
import { describeChainContract } from './chain-contract.js';
import { describeQueueContract } from './queue-contract.js';
import { describeRecordsContract } from './records-contract.js';
import { describeRunsContract } from './runs-contract.js';
import { describeSchemaContract } from './schema-contract.js';
import { postgresTarget, useSharedStore } from './store-target.js';

// One throwaway server for the whole file; every suite gets its own database on it.
const server = await startTestPostgres();

afterAll(async () => {
  await server?.stop();
});

if (server === null) {
  describe.skip('store on PostgreSQL (no PostgreSQL server could be started)', () => {
    it('runs the store suite against a PostgreSQL server', () => undefined);
  });
} else {
  const target = postgresTarget(server);
  describe('store on PostgreSQL', () => {
    const shared = useSharedStore(target);
    describeSchemaContract(target);
    describeRecordsContract(target, shared);
    describeRunsContract(target, shared);
    describeQueueContract(target, shared);
    describeChainContract(target, shared);
  });
}
