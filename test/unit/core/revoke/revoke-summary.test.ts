import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../../src/core/ports/store.js';
import {
  buildRevokeSummary,
  revokeStepIds,
  toChange,
  type FoundPermission,
  type RevokeCategory,
} from '../../../../src/core/revoke/index.js';
import type { Plan } from '../../../../src/core/step.js';
import { toRevokeSummaryCardData } from '../../../../src/teams/cards/revoke-summary.data.js';
import { validateRevokeSummary } from '../../../../src/core/revoke/index.js';

const found: FoundPermission[] = [
  {
    category: 'full_access',
    mailbox: 'ceo@contoso.com',
    permission: 'FullAccess',
    trustee: 'ada@contoso.com',
  },
  { category: 'send_as', mailbox: 'info@contoso.com', permission: 'SendAs', trustee: 'ada@contoso.com' },
  {
    category: 'send_on_behalf',
    mailbox: 'sales@contoso.com',
    permission: 'SendOnBehalf',
    trustee: 'ada@contoso.com',
  },
  {
    category: 'calendar_delegates',
    mailbox: 'ceo@contoso.com',
    permission: 'CalendarDelegate',
    accessLevel: 'Editor',
    trustee: 'ada@contoso.com',
    folder: 'ceo@contoso.com:\\Calendar',
    accessRights: ['Editor'],
    isDelegate: true,
  },
  {
    category: 'shared_mailboxes',
    mailbox: 'support@contoso.com',
    permission: 'FullAccess',
    trustee: 'ada@contoso.com',
  },
  {
    category: 'shared_mailboxes',
    mailbox: 'billing@contoso.com',
    permission: 'FullAccess',
    trustee: 'ada@contoso.com',
  },
];

function planOf(permissions: readonly FoundPermission[]): Plan {
  const categories = Object.keys(revokeStepIds) as RevokeCategory[];
  return {
    steps: categories.map((category) => ({
      stepId: revokeStepIds[category],
      system: 'exchange' as const,
      title: category,
      dependsOn: [],
      changes: permissions.filter((p) => p.category === category).map((p) => toChange('ada@contoso.com', p)),
    })),
  };
}

function journalOf(plan: Plan, phaseOf: (key: string) => JournalEntry['phase']): JournalEntry[] {
  let id = 0;
  return plan.steps.flatMap((step) =>
    step.changes.flatMap((change): JournalEntry[] => [
      {
        id: ++id,
        runId: 'r1',
        stepId: step.stepId,
        changeKey: change.key,
        phase: 'applying',
        attempt: 1,
        at: '2026-11-23T09:00:00Z',
      },
      {
        id: ++id,
        runId: 'r1',
        stepId: step.stepId,
        changeKey: change.key,
        phase: phaseOf(change.key),
        attempt: 1,
        at: '2026-11-23T09:00:01Z',
      },
    ]),
  );
}

const base = { user: { email: 'ada@contoso.com', displayName: 'Ada Lovelace' }, company: 'Contoso Ltd' };

describe('buildRevokeSummary', () => {
  it('produces the seed document when every removal was applied and nothing remains', () => {
    const plan = planOf(found);
    const summary = buildRevokeSummary({
      ...base,
      ticketId: 'OFF-2026-015',
      plan,
      journal: journalOf(plan, () => 'applied'),
      remaining: [],
    });
    expect(summary).toEqual({
      success: true,
      removal_summary: {
        user_email: 'ada@contoso.com',
        user_display_name: 'Ada Lovelace',
        company: 'Contoso Ltd',
        total_permissions_removed: 6,
      },
      permissions_removed: {
        full_access: [{ mailbox: 'ceo@contoso.com', permission: 'FullAccess', removed: true }],
        send_as: [{ mailbox: 'info@contoso.com', permission: 'SendAs', removed: true }],
        send_on_behalf: [{ mailbox: 'sales@contoso.com', permission: 'SendOnBehalf', removed: true }],
        calendar_delegates: [
          {
            mailbox: 'ceo@contoso.com',
            permission: 'CalendarDelegate',
            access_level: 'Editor',
            removed: true,
          },
        ],
        shared_mailboxes: [
          { mailbox: 'support@contoso.com', removed: true },
          { mailbox: 'billing@contoso.com', removed: true },
        ],
      },
      verification: {
        remaining_full_access: 0,
        remaining_send_as: 0,
        remaining_send_on_behalf: 0,
        remaining_calendar_delegates: 0,
        remaining_shared_mailboxes: 0,
        all_permissions_cleared: true,
      },
      ticket_id: 'OFF-2026-015',
    });
    expect(validateRevokeSummary(summary)).toEqual({ isValid: true });
  });

  it('marks failed and still-present removals as not removed and the run as unsuccessful', () => {
    const plan = planOf(found);
    const journal = journalOf(plan, (key) => (key === 'send_as:info@contoso.com' ? 'failed' : 'applied'));
    const remaining = [found[1]!, found[4]!];
    const summary = buildRevokeSummary({ ...base, plan, journal, remaining });
    expect(summary.success).toBe(false);
    expect(summary.removal_summary.total_permissions_removed).toBe(4);
    expect(summary.permissions_removed.send_as).toEqual([
      { mailbox: 'info@contoso.com', permission: 'SendAs', removed: false },
    ]);
    expect(summary.permissions_removed.shared_mailboxes[0]).toEqual({
      mailbox: 'support@contoso.com',
      removed: false,
    });
    expect(summary.verification).toMatchObject({
      remaining_send_as: 1,
      remaining_shared_mailboxes: 1,
      all_permissions_cleared: false,
    });
    expect(summary.ticket_id).toBeNull();
    expect(validateRevokeSummary(summary)).toEqual({ isValid: true });
  });

  it('reports nothing removed for an empty plan and counts undone changes as not removed', () => {
    const empty = buildRevokeSummary({ ...base, plan: planOf([]), journal: [], remaining: [] });
    expect(empty.success).toBe(true);
    expect(empty.removal_summary.total_permissions_removed).toBe(0);
    const plan = planOf(found.slice(0, 1));
    const undone = buildRevokeSummary({
      ...base,
      plan,
      journal: journalOf(plan, () => 'undone'),
      remaining: [],
    });
    expect(undone.permissions_removed.full_access[0]?.removed).toBe(false);
  });

  it('ignores the journal of other steps (an offboarding run)', () => {
    const plan = planOf(found.slice(1, 2));
    plan.steps.push({
      stepId: 'exo.convert-to-shared',
      system: 'exchange',
      title: 'Convert',
      dependsOn: [],
      changes: [{ key: 'convert', description: 'c', data: {} }],
    });
    const journal = journalOf(plan, () => 'applied');
    expect(
      buildRevokeSummary({ ...base, plan, journal, remaining: [] }).removal_summary.total_permissions_removed,
    ).toBe(1);
  });

  it('feeds the summary card: counts per kind, items, and a headline', () => {
    const plan = planOf(found);
    const summary = buildRevokeSummary({
      ...base,
      ticketId: 'OFF-1',
      plan,
      journal: journalOf(plan, () => 'applied'),
      remaining: [],
    });
    const card = toRevokeSummaryCardData(summary);
    expect(card.groups.map((group) => [group.category, group.count, group.remaining])).toEqual([
      ['full_access', 1, 0],
      ['send_as', 1, 0],
      ['send_on_behalf', 1, 0],
      ['calendar_delegates', 1, 0],
      ['shared_mailboxes', 2, 0],
    ]);
    expect(card.groups[3]?.items).toEqual([
      { mailbox: 'ceo@contoso.com', detail: 'Editor', status: 'removed' },
    ]);
    expect(card.headline).toBe('6 rights removed; verification found none left.');
    expect(card.ticketId).toBe('OFF-1');
  });
});

describe('revoke summary schema', () => {
  it('rejects documents that drift from the contract', () => {
    const plan = planOf(found);
    const summary = buildRevokeSummary({
      ...base,
      plan,
      journal: journalOf(plan, () => 'applied'),
      remaining: [],
    });
    expect(validateRevokeSummary({ ...summary, extra: true }).isValid).toBe(false);
    const { verification: _dropped, ...withoutVerification } = summary;
    expect(validateRevokeSummary(withoutVerification).isValid).toBe(false);
    const badCalendar = structuredClone(summary);
    delete (badCalendar.permissions_removed.calendar_delegates[0] as { access_level?: string }).access_level;
    expect(validateRevokeSummary(badCalendar)).toMatchObject({ isValid: false });
  });
});
