import { describe } from 'vitest';
import { describeChainContract } from './chain-contract.js';
import { describeQueueContract } from './queue-contract.js';
import { describeRecordsContract } from './records-contract.js';
import { describeRunsContract } from './runs-contract.js';
import { describeSchemaContract } from './schema-contract.js';
import { pgliteTarget, useSharedStore } from './store-target.js';

describe('store on PGlite', () => {
  const shared = useSharedStore(pgliteTarget);
  describeSchemaContract(pgliteTarget);
  describeRecordsContract(pgliteTarget, shared);
  describeRunsContract(pgliteTarget, shared);
  describeQueueContract(pgliteTarget, shared);
  describeChainContract(pgliteTarget, shared);
});
