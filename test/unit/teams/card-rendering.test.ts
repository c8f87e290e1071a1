/**
 * Every card template rendered with sample data from its real data builder: no step shows its title
 * again as its detail, and no raw object id (GUID) appears where the person's name is known. The
 * samples carry object ids on purpose (subject, requester, approver, delegate), as the stored request does.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LifecycleRequest } from '../../../src/core/model.js';
import type { Discovery, RevokeSummary } from '../../../src/core/revoke/index.js';
import type { RunSummary } from '../../../src/core/runner/summarise-run.js';
import type { Plan } from '../../../src/core/step.js';
import approvalTemplate from '../../../src/teams/cards/approval.card.json' with { type: 'json' };
import requestTemplate from '../../../src/teams/cards/offboard-request.card.json' with { type: 'json' };
import { approvalCardData, offboardRequestData } from '../../../src/teams/cards/plan-card-data.js';
import { renderCard, type AdaptiveCardJson } from '../../../src/teams/cards/render-card.js';
import { revokeRequestCard, revokeSummaryCard } from '../../../src/teams/cards/revoke-card-render.js';
import { progressCardData, summaryCardData } from '../../../src/teams/cards/run-card-data.js';
import progressTemplate from '../../../src/teams/cards/run-progress.card.json' with { type: 'json' };
import summaryTemplate from '../../../src/teams/cards/run-summary.card.json' with { type: 'json' };
import { choicesCard, helpCard } from '../../../src/teams/cards/simple-cards.js';
import { statusCard } from '../../../src/teams/commands/deferred-reply.js';
import noticeTemplate from '../../../src/teams/cards/delegate-notice.card.json' with { type: 'json' };
import { noticeCardData } from '../../../src/teams/teams-notifier.js';
import containTimelineTemplate from '../../../src/teams/cards/contain-timeline.card.json' with { type: 'json' };
import { containTimelineCardData } from '../../../src/teams/cards/contain-timeline.data.js';
import { totalsOf, type BulkItem } from '../../../src/core/offboard/bulk-offboard.js';
import type { BatchReport } from '../../../src/core/provision/index.js';
import bulkTemplate from '../../../src/teams/cards/offboard-bulk.card.json' with { type: 'json' };
import { bulkCardData } from '../../../src/teams/cards/offboard-bulk.data.js';
import reportTemplate from '../../../src/teams/cards/provision-report.card.json' with { type: 'json' };
import { toProvisionReportData } from '../../../src/teams/cards/provision-report.data.js';
import provisionTemplate from '../../../src/teams/cards/provision-request.card.json' with { type: 'json' };
import { provisionVerbs, toProvisionRequestData } from '../../../src/teams/cards/provision-request.data.js';
import { statusLineCard } from '../../../src/teams/approvals-status.js';
import undoRequestTemplate from '../../../src/teams/cards/undo-request.card.json' with { type: 'json' };
import { undoRequestData } from '../../../src/teams/cards/undo-request.data.js';
import expiryNoticeTemplate from '../../../src/teams/cards/expiry-notice.card.json' with { type: 'json' };
import extensionRequestTemplate from '../../../src/teams/cards/extension-request.card.json' with { type: 'json' };
import stagesTemplate from '../../../src/teams/cards/offboard-stages.card.json' with { type: 'json' };
import {
  expiryNoticeCardData,
  extensionRequestCardData,
  stagesCardData,
} from '../../../src/teams/cards/offboard-stages.data.js';

const leaverId = '20000000-0000-4000-8000-000000000001';
const requesterId = '10000000-0000-4000-8000-000000000013';
const approverId = '10000000-0000-4000-8000-000000000015';
const delegateId = '10000000-0000-4000-8000-000000000002';
const guid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const request: LifecycleRequest = {
  id: 'REQ-20261204-7K3Q',
  kind: 'offboard',
  subject: {
    id: leaverId,
    userPrincipalName: 'adele.vance@contoso.com',
    displayName: 'Adele Vance',
    isSynced: false,
  },
  options: {
    grantMailboxAccess: true,
    convertToShared: true,
    delegate: { id: delegateId, userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' },
  },
  requester: { aadObjectId: requesterId, tenantId: 't', displayName: 'Isaiah Langer' },
  approvals: [
    {
      approver: { aadObjectId: approverId, tenantId: 't', displayName: 'Joni Sherman' },
      decision: 'approved',
      at: '2026-12-04T10:00:00.000Z',
    },
  ],
  approvalsRequired: 1,
  state: 'awaiting-approval',
  version: 3,
  createdAt: '2026-12-04T09:00:00.000Z',
  updatedAt: '2026-12-04T09:30:00.000Z',
};

const plan: Plan = {
  steps: [
    {
      stepId: 'entra.reset-password',
      system: 'entra',
      title: 'Set a random password',
      dependsOn: [],
      changes: [{ key: 'password', description: 'Set a random password', data: { userId: leaverId } }],
    },
    {
      stepId: 'entra.remove-groups',
      system: 'entra',
      title: 'Remove group memberships',
      dependsOn: [],
      changes: [
        { key: 'g1', description: 'Remove from Sales', data: { groupId: approverId } },
        { key: 'g2', description: 'Remove from Marketing', data: {} },
      ],
    },
    { stepId: 'exo.hide', system: 'exchange', title: 'Hide from address lists', dependsOn: [], changes: [] },
    {
      stepId: 'notify.delegate',
      system: 'teams',
      title: 'Tell the delegate what they received',
      dependsOn: [],
      changes: [{ key: 'notice:megan', description: 'Send a handover notice to Megan Bowen', data: {} }],
    },
  ],
};

const step = (
  stepId: string,
  title: string,
  fields: Partial<RunSummary['steps'][number]>,
): RunSummary['steps'][number] => ({
  stepId,
  title,
  system: 'entra',
  status: 'done',
  isNothingToDo: false,
  changeCount: 1,
  appliedCount: 1,
  attempts: 1,
  warnings: [],
  results: [],
  ...fields,
});

const summary: RunSummary = {
  steps: [
    step('entra.reset-password', 'Set a random password', {}),
    step('entra.remove-groups', 'Remove group memberships', { status: 'failed', error: 'Forbidden' }),
    step('exo.hide', 'Hide from address lists', { isNothingToDo: true, changeCount: 0, appliedCount: 0 }),
    step('notify.delegate', 'Tell the delegate what they received', {
      results: [{ channel: 'email', detail: 'Teams failed: UserNotFound' }],
    }),
  ],
  counts: { waiting: 0, running: 0, done: 3, failed: 1, skipped: 0 },
  changes: { total: 4, applied: 3 },
  isFinished: true,
};

const discovery: Discovery = {
  user: {
    userPrincipalName: 'adele.vance@contoso.com',
    displayName: 'Adele Vance',
    primarySmtpAddress: 'adele.vance@contoso.com',
    identities: ['adele.vance@contoso.com', leaverId],
  },
  categories: ['full_access', 'send_as'],
  permissions: [
    {
      category: 'full_access',
      mailbox: 'finance@contoso.com',
      mailboxDisplayName: 'Finance',
      permission: 'FullAccess',
      trustee: 'adele.vance@contoso.com',
    },
  ],
  warnings: [],
};

const revokeSummary: RevokeSummary = {
  success: true,
  removal_summary: {
    user_email: 'adele.vance@contoso.com',
    user_display_name: 'Adele Vance',
    company: 'Contoso',
    total_permissions_removed: 1,
  },
  permissions_removed: {
    full_access: [{ mailbox: 'finance@contoso.com', permission: 'FullAccess', removed: true }],
    send_as: [],
    send_on_behalf: [],
    calendar_delegates: [],
    shared_mailboxes: [],
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
};

const bulkItems: BulkItem[] = [
  {
    line: 2,
    userPrincipalName: 'adele.vance@contoso.com',
    status: 'ready',
    subject: request.subject,
    delegate: { id: delegateId, userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' },
    isProtected: false,
    changeCount: 14,
    stepCount: 9,
  },
  {
    line: 3,
    userPrincipalName: 'joni.sherman@contoso.com',
    status: 'ready',
    subject: {
      id: approverId,
      userPrincipalName: 'joni.sherman@contoso.com',
      displayName: 'Joni Sherman',
      isSynced: true,
    },
    delegate: null,
    isProtected: true,
    changeCount: 11,
    stepCount: 8,
  },
  {
    line: 4,
    userPrincipalName: 'nobody@contoso.com',
    status: 'not-found',
    message: 'No such user',
    isProtected: false,
    changeCount: 0,
    stepCount: 0,
  },
];

const bulkRequest: LifecycleRequest = {
  ...request,
  subject: { id: '', userPrincipalName: 'bulk', displayName: '2 leavers', isSynced: false },
  options: { bulk: { source: 'Teams message', items: bulkItems, totals: totalsOf(bulkItems) } },
  approvalsRequired: 2,
};

const report: BatchReport = {
  id: 'batch-1',
  source: 'Teams file joiners.csv',
  isDryRun: false,
  startedAt: '2026-12-04T09:00:00.000Z',
  finishedAt: '2026-12-04T09:02:00.000Z',
  rows: [
    {
      line: 2,
      userPrincipalName: 'lee.gu@contoso.com',
      displayName: 'Lee Gu',
      mail: 'lee.gu@contoso.com',
      status: 'provisioned',
      licences: ['SPE_E5'],
      notes: [],
      requestId: 'REQ-20261204-AB12',
      userId: leaverId,
    },
    {
      line: 3,
      userPrincipalName: 'grady.archie@contoso.com',
      displayName: 'Grady Archie',
      status: 'failed',
      licences: ['SPE_E3'],
      usageLocation: 'US',
      notes: [],
      error: 'No seats left for SPE_E3',
      userId: delegateId,
    },
    { line: 4, userPrincipalName: 'new.joiner@contoso.com', status: 'queued', licences: [], notes: [] },
  ],
  licences: [{ skuPartNumber: 'SPE_E5', consumed: 20, enabled: 25, remaining: 5 }],
  warnings: ['SPE_E3 has no seats left'],
};

const joiner = {
  id: leaverId,
  userPrincipalName: 'lee.gu@contoso.com',
  displayName: 'Lee Gu',
  accountEnabled: false,
  isSynced: true,
};

/** Each template file and its card rendered by the builder the bot uses. */
const rendered: Record<string, AdaptiveCardJson> = {
  'expiry-notice.card.json': renderCard(
    expiryNoticeTemplate,
    expiryNoticeCardData({
      requestId: request.id,
      version: 1,
      delegate: { id: 'megan', userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' },
      leaver: { userPrincipalName: 'adele.vance@contoso.com', displayName: 'Adele Vance' },
      expiresAt: '2026-12-23T09:00:00.000Z',
      canExtend: true,
      extensionDays: 30,
    }),
  ),
  'extension-request.card.json': renderCard(
    extensionRequestTemplate,
    extensionRequestCardData({
      requestId: request.id,
      version: 1,
      requestedBy: { aadObjectId: 'megan', tenantId: 't', displayName: 'Megan Bowen' },
      leaver: { userPrincipalName: 'adele.vance@contoso.com', displayName: 'Adele Vance' },
      expiresAt: '2026-12-23T09:00:00.000Z',
      extendedTo: '2027-01-22T09:00:00.000Z',
    }),
  ),
  'offboard-stages.card.json': renderCard(
    stagesTemplate,
    stagesCardData(request.id, [
      {
        id: 'delegation-expiry',
        title: "Delegate's mailbox and OneDrive access ends",
        at: '2026-12-23T09:00:00.000Z',
        state: 'scheduled',
      },
    ]),
  ),
  'approval.card.json': renderCard(approvalTemplate, approvalCardData(request, plan, true)),
  'offboard-request.card.json': renderCard(
    requestTemplate,
    offboardRequestData(request, plan, 'Megan Bowen is the manager.', false),
  ),
  'run-progress.card.json': renderCard(progressTemplate, progressCardData(request, summary, 12_000)),
  'run-summary.card.json': renderCard(
    summaryTemplate,
    summaryCardData(request, 'completed-with-errors', summary, 12_000, []),
  ),
  'status.card.json': statusCard('Planning the offboarding of adele.vance@contoso.com…', 'Reading.'),
  'help.card.json': helpCard(false),
  'user-choices.card.json': choicesCard('Several people match "adele"', 'Pick one:', [
    {
      id: leaverId,
      userPrincipalName: 'adele.vance@contoso.com',
      displayName: 'Adele Vance',
      accountEnabled: true,
      isSynced: false,
    },
  ]),
  'revoke-request.card.json': revokeRequestCard({ ...request, kind: 'revoke' }, discovery),
  'revoke-summary.card.json': revokeSummaryCard(request.id, revokeSummary),
  'undo-request.card.json': renderCard(
    undoRequestTemplate,
    undoRequestData(
      {
        ...request,
        kind: 'undo',
        state: 'awaiting-confirmation',
        options: {
          targetRequestId: 'REQ-20261203-ABCD',
          irreversible: ['The password was reset: set a new one for the user'],
        },
      },
      {
        steps: [
          {
            stepId: 'undo.entra.block-sign-in',
            system: 'entra',
            title: 'Undo: Block sign-in',
            dependsOn: [],
            changes: [{ key: 'block', description: 'Undo: Set accountEnabled to false', data: {} }],
          },
        ],
      },
    ),
  ),
  'contain-timeline.card.json': renderCard(
    containTimelineTemplate,
    containTimelineCardData(request.id, 'Adele [Vance](https://evil.example)', {
      origin: '2026-11-23T10:00:00.000Z',
      systems: [
        {
          name: 'Entra ID',
          isCutOff: true,
          cutOffAt: '2026-11-23T10:00:01.200Z',
          elapsedMs: 1200,
          steps: [
            {
              stepId: 'entra.revoke-sessions',
              title: 'Revoke sign-in sessions',
              status: 'done',
              isNothingToDo: false,
              finishedAt: '2026-11-23T10:00:00.400Z',
            },
          ],
        },
        {
          name: 'Intune',
          isCutOff: false,
          cutOffAt: '2026-11-23T10:00:02.000Z',
          elapsedMs: 2000,
          steps: [
            {
              stepId: 'intune.retire-devices',
              title: 'Retire personal devices',
              status: 'failed',
              isNothingToDo: false,
              error: 'Denied *by* policy',
            },
          ],
        },
      ],
      longest: 'Entra ID',
      firstSessionRevocation: { at: '2026-11-23T10:00:00.400Z', elapsedMs: 400 },
      isComplete: false,
      offboarding: {
        requestId: 'REQ-20261123-7K3Q',
        isExisting: false,
        delegate: 'Megan Bowen',
        delegateNote: 'Delegate defaults to the manager, Megan Bowen.',
      },
    }),
  ),
  'offboard-bulk.card.json': renderCard(
    bulkTemplate,
    bulkCardData({ ...bulkRequest, state: 'awaiting-confirmation' }, true),
  ),
  'provision-report.card.json': renderCard(reportTemplate, toProvisionReportData(report)),
  'provision-request.card.json': renderCard(
    provisionTemplate,
    toProvisionRequestData(
      { ...request, kind: 'provision', subject: { ...joiner, isSynced: true }, options: {} },
      plan,
      {
        target: joiner,
        notes: ['Rehire: the former account is reactivated'],
        input: {
          user: { id: leaverId, userPrincipalName: 'lee.gu@contoso.com', displayName: 'Lee Gu' },
          usageLocation: { value: 'US', source: 'directory' },
          licences: [
            {
              skuId: approverId,
              skuPartNumber: 'SPE_E5',
              disabledPlans: [delegateId],
              disabledPlanNames: ['YAMMER_ENTERPRISE'],
            },
          ],
          reason: 'employeeType is Employee (rule 1)',
          reactivate: true,
          mailbox: { isExpected: true, pollMs: 30_000 },
        },
      },
      ['SPE_E5: 5 seats left'],
    ),
  ),
  'delegate-notice.card.json': renderCard(
    noticeTemplate,
    noticeCardData({
      requestId: request.id,
      delegate: { id: delegateId, userPrincipalName: 'megan.bowen@contoso.com', displayName: 'Megan Bowen' },
      leaver: { userPrincipalName: 'adele.vance@contoso.com', displayName: 'Adele Vance' },
      requestedBy: 'Isaiah Langer',
      mailbox: { address: 'adele.vance@contoso.com', hasFullAccess: true, isShared: true },
    }),
  ),
};

/** The same templates in their other views: per viewer, decided, and the approvals status line. */
const variants: Record<string, AdaptiveCardJson> = {
  "approval.card.json, the requester's view": renderCard(
    approvalTemplate,
    approvalCardData(request, plan, false, false, true),
  ),
  'approval.card.json, rejected': renderCard(
    approvalTemplate,
    approvalCardData(
      {
        ...request,
        state: 'rejected',
        approvals: [{ ...request.approvals[0]!, decision: 'rejected', reason: 'Wrong person' }],
      },
      plan,
      false,
    ),
  ),
  'status.card.json, the approvals status line': statusLineCard(
    { ...request, state: 'completed-with-errors' },
    summary,
  ),
  'offboard-bulk.card.json, awaiting approval': renderCard(
    bulkTemplate,
    bulkCardData({ ...bulkRequest, state: 'awaiting-approval' }, true),
  ),
  'provision-report.card.json, a file waiting for approval': renderCard(
    reportTemplate,
    toProvisionReportData(
      { ...report, isDryRun: true },
      {
        requestId: 'REQ-20261204-AB12',
        version: 2,
        actions: [
          { title: 'Approve', verb: provisionVerbs.batchApprove, style: 'positive' },
          { title: 'Reject', verb: provisionVerbs.batchReject, style: 'destructive' },
        ],
        showReason: true,
      },
    ),
  ),
};

const allCards = [...Object.entries(rendered), ...Object.entries(variants)];

/** Every text a person reads: text blocks, fact titles and values, action titles (not action data). */
function visibleTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) visibleTexts(item, out);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'data') continue;
      if (typeof value === 'string' && ['text', 'title', 'value', 'label', 'placeholder'].includes(key)) {
        out.push(value);
      } else visibleTexts(value, out);
    }
  }
  return out;
}

describe('card templates with sample data', () => {
  it('covers every template in src/teams/cards', () => {
    const templates = readdirSync(join(import.meta.dirname, '../../../src/teams/cards')).filter((f) =>
      f.endsWith('.card.json'),
    );
    expect(Object.keys(rendered).sort()).toEqual(templates.sort());
  });

  it.each(allCards)('%s repeats no title as its detail', (_name, card) => {
    for (const text of visibleTexts(card)) {
      const match = /\*\*(.+?)\*\* — (.+)/.exec(text);
      if (!match) continue;
      const [, title = '', detail = ''] = match;
      expect(detail.toLowerCase().startsWith(title.toLowerCase()), text).toBe(false);
    }
  });

  it.each(allCards)('%s never says the same line twice in a row', (_name, card) => {
    const texts = visibleTexts(card).map((t) => t.trim().toLowerCase());
    texts.forEach((text, i) => {
      if (i > 0) expect(text, text).not.toBe(texts[i - 1]);
    });
  });

  it.each(allCards)('%s shows names, not object ids', (_name, card) => {
    for (const text of visibleTexts(card)) expect(text, text).not.toMatch(guid);
  });

  it('shows when each system was cut off, which took longest, what failed, and the drafted offboarding', () => {
    const texts = visibleTexts(rendered['contain-timeline.card.json']).join('\n');
    expect(texts).toContain('Containment timeline of Adele \\[Vance\\](https://evil.example)');
    expect(texts).toContain('**Entra ID**: cut off at 10:00:01 UTC (+1.2 s)');
    expect(texts).toContain('**Intune**: NOT cut off');
    expect(texts).toContain('Retire personal devices — failed: Denied \\*by\\* policy');
    expect(texts).toContain('Entra ID (+1.2 s)');
    expect(texts).toContain('Offboarding REQ-20261123-7K3Q drafted for IT (delegate: Megan Bowen');
  });

  it('says a step with nothing to do is already done, and how the notice went', () => {
    const texts = visibleTexts(rendered['run-summary.card.json']).join('\n');
    expect(texts).toContain('Offboarding of Adele Vance: Completed with errors');
    expect(texts).toContain('2 done, 1 already done, 1 failed, 0 skipped');
    expect(texts).toContain('already done, nothing to change');
    expect(texts).toContain('sent by e-mail (Teams failed: UserNotFound)');
    expect(visibleTexts(rendered['offboard-request.card.json']).join('\n')).toContain(
      '**Set a random password** — to do',
    );
  });
});
