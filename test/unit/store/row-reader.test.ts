import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rowReader } from '../../../src/store/row-reader.js';

describe('rowReader', () => {
  const read = rowReader(
    {
      id: z.string(),
      approvalsRequired: z.number(),
      ticketId: z.string().optional(),
      leaseUntil: z.number().optional(),
      before: z.unknown(),
    },
    { columns: { leaseUntil: 'lease_until_ms' }, presentWhen: { before: 'has_before' } },
  );

  it('reads each field from its snake_case column, or from the column it names', () => {
    expect(
      read({
        id: 'a',
        approvals_required: 2,
        ticket_id: 'T-1',
        lease_until_ms: 5,
        before: 1,
        has_before: true,
      }),
    ).toStrictEqual({ id: 'a', approvalsRequired: 2, ticketId: 'T-1', leaseUntil: 5, before: 1 });
  });

  it('leaves an optional field out when its column is NULL', () => {
    const entry = read({
      id: 'a',
      approvals_required: 2,
      ticket_id: null,
      lease_until_ms: null,
      before: null,
      has_before: true,
    });
    expect(entry).toStrictEqual({ id: 'a', approvalsRequired: 2, before: null });
    expect('ticketId' in entry).toBe(false);
  });

  it('keeps a JSON null when its flag says present and drops the field when the flag is false', () => {
    const row = { id: 'a', approvals_required: 2, ticket_id: null, lease_until_ms: null, before: null };
    expect(read({ ...row, has_before: true })).toHaveProperty('before', null);
    expect(read({ ...row, has_before: false })).not.toHaveProperty('before');
  });

  it('fails on a row that does not match, naming the column', () => {
    expect(() => read({ id: 'a', approvals_required: 'two', ticket_id: null, before: null })).toThrow(
      /approvals_required/,
    );
  });
});
