import type { Migration } from './migration.js';

/**
 * The hash chain over the evidence (see src/core/audit/hash-chain.ts and docs/proof.md). Each audit
 * event and journal entry written from now on carries its place in its request's chain (`chain_seq`),
 * the previous link's hash and its own, computed at insert time: rows are never updated.
 * `hash_chain_heads` holds the last link of every chain; appends lock that row, which serialises the
 * writers of one chain across instances. `hash_chain_start` records the first row id of each table
 * that must carry a link, so rows written before this migration are told apart from rows whose link
 * was removed by hand.
 */
export const hashChain: Migration = {
  version: 2,
  name: 'hash-chain',
  sql: `
ALTER TABLE audit_events
  ADD COLUMN chain_seq bigint,
  ADD COLUMN prev_hash text,
  ADD COLUMN hash      text;
-- Audit events without a request form one chain of their own, keyed ''.
CREATE UNIQUE INDEX audit_events_chain_seq_idx ON audit_events ((COALESCE(request_id, '')), chain_seq);

ALTER TABLE step_journal
  ADD COLUMN request_id text,
  ADD COLUMN chain_seq  bigint,
  ADD COLUMN prev_hash  text,
  ADD COLUMN hash       text;
CREATE UNIQUE INDEX step_journal_chain_seq_idx ON step_journal (request_id, chain_seq);

CREATE TABLE hash_chain_heads (
  chain      text PRIMARY KEY,
  seq        bigint NOT NULL CHECK (seq >= 0),
  hash       text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE hash_chain_start (
  table_name text PRIMARY KEY,
  first_id   bigint NOT NULL
);
INSERT INTO hash_chain_start (table_name, first_id)
  SELECT 'audit_events', COALESCE(max(id), 0) + 1 FROM audit_events;
INSERT INTO hash_chain_start (table_name, first_id)
  SELECT 'step_journal', COALESCE(max(id), 0) + 1 FROM step_journal;
`,
};
