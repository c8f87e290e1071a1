import type { Migration } from './migration.js';

/**
 * The first schema: requests, runs with leases, the step journal, the audit trail, conversation
 * references, bot state and the work queue. Instants the runner compares against its injected clock
 * (leases, queue due times) are epoch milliseconds in bigint `*_ms` columns; the rest are timestamptz.
 */
export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  sql: `
CREATE TABLE requests (
  id                 text PRIMARY KEY,
  kind               text NOT NULL CHECK (kind IN ('offboard', 'revoke', 'provision')),
  state              text NOT NULL,
  version            integer NOT NULL CHECK (version >= 0),
  subject            jsonb NOT NULL,
  subject_upn        text NOT NULL,
  requester          jsonb NOT NULL,
  approvals          jsonb NOT NULL,
  approvals_required integer NOT NULL,
  options            jsonb NOT NULL,
  ticket_id          text,
  run_id             text,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL
);
CREATE INDEX requests_subject_upn_idx ON requests (lower(subject_upn), created_at DESC);
CREATE INDEX requests_state_idx ON requests (state, created_at DESC);

CREATE TABLE runs (
  id                  text PRIMARY KEY,
  request_id          text NOT NULL,
  status              text NOT NULL
    CHECK (status IN ('queued', 'running', 'completed', 'completed-with-errors', 'failed', 'cancelled')),
  plan                jsonb NOT NULL,
  input               jsonb NOT NULL,
  owner               text,
  lease_until_ms      bigint,
  is_cancel_requested boolean NOT NULL DEFAULT false,
  progress            jsonb,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz
);
CREATE INDEX runs_request_id_idx ON runs (request_id);
-- Only queued and running runs are ever claimed: keep that index small.
CREATE INDEX runs_runnable_idx ON runs (created_at, id) WHERE status IN ('queued', 'running');

CREATE TABLE step_journal (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id     text NOT NULL REFERENCES runs (id),
  step_id    text NOT NULL,
  change_key text,
  phase      text NOT NULL
    CHECK (phase IN ('planned', 'applying', 'applied', 'verified', 'failed', 'skipped', 'undone')),
  attempt    integer NOT NULL CHECK (attempt >= 0),
  before     jsonb,
  after      jsonb,
  error      jsonb,
  at         timestamptz NOT NULL
);
CREATE INDEX step_journal_run_idx ON step_journal (run_id, id);

CREATE TABLE audit_events (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL,
  type       text NOT NULL,
  request_id text,
  run_id     text,
  actor      jsonb,
  details    jsonb NOT NULL
);
CREATE INDEX audit_events_request_idx ON audit_events (request_id, id);

-- The journal and the audit trail are evidence: no row is ever changed or removed.
CREATE FUNCTION reject_append_only_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();
CREATE TRIGGER step_journal_append_only BEFORE UPDATE OR DELETE ON step_journal
  FOR EACH ROW EXECUTE FUNCTION reject_append_only_change();
CREATE TRIGGER step_journal_no_truncate BEFORE TRUNCATE ON step_journal
  FOR EACH STATEMENT EXECUTE FUNCTION reject_append_only_change();

CREATE TABLE conversation_refs (
  key        text PRIMARY KEY,
  reference  jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bot_state (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE work_queue (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind               text NOT NULL,
  key                text NOT NULL,
  payload            jsonb NOT NULL,
  attempts           integer NOT NULL DEFAULT 0,
  next_attempt_at_ms bigint NOT NULL,
  -- Set when the item is enqueued again while claimed: its due time once the current claim ends.
  requeue_at_ms      bigint,
  last_error         text,
  status             text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'done', 'dead')),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, key)
);
CREATE INDEX work_queue_due_idx ON work_queue (kind, next_attempt_at_ms) WHERE status IN ('pending', 'claimed');
`,
};
