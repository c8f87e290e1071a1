import type { Migration } from './migration.js';

/** The undo of an offboarding (`undo`, `restore`) is a kind of request of its own. */
export const undoKind: Migration = {
  version: 4,
  name: 'undo-kind',
  sql: `
ALTER TABLE requests DROP CONSTRAINT requests_kind_check;
ALTER TABLE requests
  ADD CONSTRAINT requests_kind_check CHECK (kind IN ('offboard', 'revoke', 'provision', 'contain', 'undo'));
`,
};
