import type { Migration } from './migration.js';

/** Incident containment (`contain`) is a kind of request of its own. */
export const containKind: Migration = {
  version: 3,
  name: 'contain-kind',
  sql: `
ALTER TABLE requests DROP CONSTRAINT requests_kind_check;
ALTER TABLE requests
  ADD CONSTRAINT requests_kind_check CHECK (kind IN ('offboard', 'revoke', 'provision', 'contain'));
`,
};
