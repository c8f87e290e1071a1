/**
 * Issue 17, item 4: meetings the leaver organises that the run kept ("list") are named on the summary
 * card for the delegate, with subject, start and recurrence, as the planned handover notice lists them.
 */
import { describe, expect, it } from 'vitest';
import type { LifecycleRequest } from '../../../src/core/model.js';
import { keptMeetingsOf } from '../../../src/core/offboard/kept-meetings.js';
import { notifyDelegate } from '../../../src/core/offboard/notice-step.js';
import type { DelegateNotice } from '../../../src/core/ports/notifier.js';
import type { RunRecord } from '../../../src/core/ports/store.js';
import { summariseRun } from '../../../src/core/runner/summarise-run.js';
import type { Plan } from '../../../src/core/step.js';
import { renderCard } from '../../../src/teams/cards/render-card.js';
import { summaryCardData } from '../../../src/teams/cards/run-card-data.js';
import summaryTemplate from '../../../src/teams/cards/run-summary.card.json' with { type: 'json' };

const request: LifecycleRequest = {
  id: 'REQ-20261204-7K3Q',
  kind: 'offboard',
  subject: {
    id: '10000000-0000-4000-8000-000000000001',
    userPrincipalName: 'adele.vance@contoso.com',
    displayName: 'Adele Vance',
    isSynced: false,
  },
  options: {},
  requester: { aadObjectId: '10000000-0000-4000-8000-000000000013', tenantId: 't', displayName: 'Isaiah' },
  approvals: [],
  approvalsRequired: 1,
  state: 'running',
  version: 5,
  createdAt: '2026-12-04T09:00:00.000Z',
  updatedAt: '2026-12-04T09:30:00.000Z',
};

function runWithNotice(meetings: DelegateNotice['meetings']): RunRecord {
  const notice: DelegateNotice = {
    requestId: request.id,
    delegate: { id: 'm1', userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' },
    leaver: { userPrincipalName: 'adele.vance@contoso.com', displayName: 'Adele Vance' },
    requestedBy: 'Isaiah',
    ...(meetings && { meetings }),
  };
  const plan: Plan = {
    steps: [
      {
        stepId: notifyDelegate.id,
        system: notifyDelegate.system,
        title: notifyDelegate.title,
        dependsOn: [],
        changes: [{ key: 'notice:megan.bowen@contoso.com', description: 'Send a notice', data: { notice } }],
      },
    ],
  };
  return {
    id: 'run-1',
    requestId: request.id,
    status: 'completed',
    plan,
    input: {},
    isCancelRequested: false,
    createdAt: '2026-12-04T09:31:00.000Z',
    updatedAt: '2026-12-04T09:32:00.000Z',
  };
}

function summaryCard(run: RunRecord) {
  const summary = summariseRun(run.plan, []);
  return renderCard(
    summaryTemplate,
    summaryCardData(request, 'completed', summary, 4000, [], keptMeetingsOf(run)),
  );
}

describe('summary card: meetings kept for the delegate', () => {
  it('lists each kept meeting with its subject, next start and whether it recurs', () => {
    const card = JSON.stringify(
      summaryCard(
        runWithNotice([
          {
            subject: 'Weekly sales sync',
            start: '2026-12-07T09:00:00.000Z',
            attendeeCount: 3,
            isRecurring: true,
          },
          {
            subject: 'Quarterly review',
            start: '2026-12-14T09:00:00.000Z',
            attendeeCount: 1,
            isRecurring: false,
          },
        ]),
      ),
    );
    expect(card).toContain('Meetings kept for the delegate to hand over or cancel');
    expect(card).toContain(
      '**Weekly sales sync**: recurring series, next on 2026-12-07 09:00 UTC, 3 attendees',
    );
    expect(card).toContain('**Quarterly review**: single meeting on 2026-12-14 09:00 UTC, 1 attendee');
  });

  it('has no meetings section when the notice lists none (meetings cancelled, or none planned)', () => {
    const card = JSON.stringify(summaryCard(runWithNotice(undefined)));
    expect(card).not.toContain('Meetings kept');
    expect(keptMeetingsOf(runWithNotice(undefined))).toEqual([]);
  });

  it('shows a meeting subject as text, never as a link or formatting', () => {
    const card = JSON.stringify(
      summaryCard(
        runWithNotice([
          {
            subject: '[Sync](https://evil.example) **now**',
            start: '2026-12-07T09:00:00.000Z',
            attendeeCount: 2,
            isRecurring: false,
          },
        ]),
      ),
    );
    expect(card).not.toContain('[Sync](https://evil.example)');
    expect(card).not.toContain('**now**');
  });

  it('ignores a planned notice whose meetings are not in the notice shape', () => {
    const run = runWithNotice(undefined);
    const change = run.plan.steps[0]?.changes[0];
    if (!change) throw new Error('no change');
    change.data['notice'] = { meetings: [{ subject: 1 }] };
    expect(keptMeetingsOf(run)).toEqual([]);
  });
});
