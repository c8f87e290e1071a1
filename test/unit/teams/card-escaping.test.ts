/**
 * Issue 19, item 9: user and tenant text never renders as Markdown. Every card data builder gets hostile
 * text in each of its text inputs; the expanded card must show it (escaped) and must not carry it raw in
 * any field Teams renders as Markdown (TextBlock text, FactSet titles and values).
 */
import { describe, expect, it } from 'vitest';
import type { LifecycleRequest } from '../../../src/core/model.js';
import type { BulkItem, StoredBulkOptions } from '../../../src/core/offboard/bulk-offboard.js';
import type { BatchReport } from '../../../src/core/provision/index.js';
import type { Discovery, RevokeSummary } from '../../../src/core/revoke/index.js';
import type { RunSummary } from '../../../src/core/runner/summarise-run.js';
import type { Plan } from '../../../src/core/step.js';
import approvalTemplate from '../../../src/teams/cards/approval.card.json' with { type: 'json' };
import noticeTemplate from '../../../src/teams/cards/delegate-notice.card.json' with { type: 'json' };
import { markdownText } from '../../../src/teams/cards/markdown-text.js';
import bulkTemplate from '../../../src/teams/cards/offboard-bulk.card.json' with { type: 'json' };
import { bulkCardData } from '../../../src/teams/cards/offboard-bulk.data.js';
import requestTemplate from '../../../src/teams/cards/offboard-request.card.json' with { type: 'json' };
import {
  approvalCardData,
  laterEffects,
  offboardRequestData,
  statusText,
} from '../../../src/teams/cards/plan-card-data.js';
import reportTemplate from '../../../src/teams/cards/provision-report.card.json' with { type: 'json' };
import { toProvisionReportData } from '../../../src/teams/cards/provision-report.data.js';
import provisionTemplate from '../../../src/teams/cards/provision-request.card.json' with { type: 'json' };
import { toProvisionRequestData } from '../../../src/teams/cards/provision-request.data.js';
import { renderCard } from '../../../src/teams/cards/render-card.js';
import { revokeRequestCard, revokeSummaryCard } from '../../../src/teams/cards/revoke-card-render.js';
import { progressCardData, summaryCardData } from '../../../src/teams/cards/run-card-data.js';
import progressTemplate from '../../../src/teams/cards/run-progress.card.json' with { type: 'json' };
import summaryTemplate from '../../../src/teams/cards/run-summary.card.json' with { type: 'json' };
import { noticeCardData } from '../../../src/teams/teams-notifier.js';

const hostile = '[Approve here](https://evil.example/phish) **urgent** <at>Everyone</at>\n- item';
const escaped = '\\[Approve here\\](https://evil.example/phish)';
const isRaw = (text: string): boolean =>
  text.includes('[Approve here](') ||
  text.includes('**urgent**') ||
  text.includes('<at>Everyone') ||
  text.includes('\n- item');

/** Every string Teams renders as Markdown in a card: TextBlock text and FactSet facts. */
function renderedTexts(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) renderedTexts(item, out);
  } else if (typeof node === 'object' && node !== null) {
    const element = node as Record<string, unknown>;
    if (element['type'] === 'TextBlock' && typeof element['text'] === 'string') out.push(element['text']);
    if (element['type'] === 'FactSet' && Array.isArray(element['facts'])) {
      for (const fact of element['facts'] as { title?: unknown; value?: unknown }[]) {
        if (typeof fact.title === 'string') out.push(fact.title);
        if (typeof fact.value === 'string') out.push(fact.value);
      }
    }
    for (const [key, value] of Object.entries(element)) if (key !== 'facts') renderedTexts(value, out);
  }
  return out;
}

function expectEscaped(card: object): void {
  const texts = renderedTexts(card);
  expect(texts.filter(isRaw)).toEqual([]);
  expect(texts.some((t) => t.includes(escaped))).toBe(true);
}

const person = { aadObjectId: '10000000-0000-4000-8000-000000000013', tenantId: 't', displayName: hostile };

function aRequest(overrides: Partial<LifecycleRequest> = {}): LifecycleRequest {
  return {
    id: 'REQ-20261204-ABCDEF',
    kind: 'offboard',
    subject: {
      id: 'u1',
      userPrincipalName: `x${hostile}@contoso.com`,
      displayName: hostile,
      isSynced: false,
    },
    options: { autoReply: hostile, forwardTo: `${hostile}@contoso.com`, deleteAfterDays: 30 },
    requester: person,
    approvals: [],
    approvalsRequired: 1,
    state: 'awaiting-approval',
    version: 2,
    createdAt: '2026-12-04T09:00:00.000Z',
    updatedAt: '2026-12-04T09:00:00.000Z',
    ...overrides,
  };
}

const plan: Plan = {
  steps: [
    {
      stepId: 'exo.grant-delegate',
      title: hostile,
      system: 'exchange',
      dependsOn: [],
      changes: [{ key: 'k', description: hostile, data: {} }],
      warnings: [hostile],
    },
    {
      stepId: 'entra.remove-groups',
      title: 'Remove groups',
      system: 'entra',
      dependsOn: [],
      changes: [],
      skippedReason: hostile,
    },
  ],
};

describe('markdownText', () => {
  it('escapes links, emphasis, mentions, line breaks and list markers, and keeps plain text as it is', () => {
    expect(markdownText('[a](https://x.example)')).toBe('\\[a\\](https://x.example)');
    expect(markdownText('![img](https://x.example/i.png)')).toBe('!\\[img\\](https://x.example/i.png)');
    expect(markdownText('**b** _c_ `d` <at>e</at> ~h~')).toBe(
      '\\*\\*b\\*\\* \\_c\\_ \\`d\\` \\<at\\>e\\</at\\> \\~h\\~',
    );
    expect(markdownText('one\ntwo\r\n- three')).toBe('one two - three');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownText('# heading')).toBe('\\# heading');
    expect(markdownText('12. item')).toBe('12\\. item');
    expect(markdownText('Adele Vance (adele_vance@contoso.com), SPE_E3, 3 changes.')).toBe(
      'Adele Vance (adele_vance@contoso.com), SPE_E3, 3 changes.',
    );
    expect(markdownText(null)).toBe('');
  });
});

describe('card data builders with hostile text', () => {
  it('approval card: subject, requester, approvers, reason, steps, warnings and the later effects', () => {
    const request = aRequest({
      approvals: [{ approver: person, decision: 'approved', at: '2026-12-04T09:00:00.000Z' }],
    });
    expectEscaped(renderCard(approvalTemplate, approvalCardData(request, plan, true)));
    expect(laterEffects(request).join('\n')).toContain(escaped);
    const rejected = aRequest({
      state: 'rejected',
      approvals: [
        { approver: person, decision: 'rejected', reason: hostile, at: '2026-12-04T09:00:00.000Z' },
      ],
    });
    expect(isRaw(statusText(rejected))).toBe(false);
    expect(statusText(rejected)).toContain(escaped);
  });

  it('offboarding request card: subject, note, steps; the form keeps the raw values it sends back', () => {
    const request = aRequest({ state: 'awaiting-confirmation' });
    const card = renderCard(requestTemplate, offboardRequestData(request, plan, hostile, false));
    expectEscaped(card);
    // Input values are not rendered as Markdown and go back to the bot: they stay as typed.
    expect(JSON.stringify(card)).toContain(JSON.stringify(hostile).slice(1, -1));
  });

  it('bulk card: source, names, delegates, messages, requester and approvers', () => {
    const items: BulkItem[] = [
      {
        line: 2,
        userPrincipalName: `${hostile}@contoso.com`,
        status: 'ready',
        subject: {
          id: 'u1',
          userPrincipalName: `${hostile}@contoso.com`,
          displayName: hostile,
          isSynced: false,
        },
        delegate: { id: 'u2', userPrincipalName: 'd@contoso.com', displayName: hostile },
        isProtected: true,
        changeCount: 3,
        stepCount: 2,
      },
      {
        line: 3,
        userPrincipalName: hostile,
        status: 'invalid',
        message: hostile,
        isProtected: false,
        changeCount: 0,
        stepCount: 0,
      },
    ];
    const bulk: StoredBulkOptions = {
      bulk: {
        source: hostile,
        items,
        totals: {
          listed: 2,
          ready: 1,
          nothingToDo: 0,
          refused: 0,
          notFound: 0,
          invalid: 1,
          protected: 1,
          changes: 3,
        },
      },
    };
    const request = aRequest({
      options: bulk as unknown as Record<string, unknown>,
      approvals: [{ approver: person, decision: 'approved', at: '2026-12-04T09:00:00.000Z' }],
    });
    expectEscaped(renderCard(bulkTemplate, bulkCardData(request, true)));
  });

  it('provisioning report card: CSV display names, mails, errors, warnings and the source', () => {
    const report: BatchReport = {
      id: 'b1',
      source: hostile,
      isDryRun: false,
      startedAt: '2026-12-04T09:00:00.000Z',
      finishedAt: '2026-12-04T09:01:00.000Z',
      rows: [
        {
          line: 2,
          userPrincipalName: 'a@contoso.com',
          displayName: hostile,
          mail: hostile,
          status: 'provisioned',
          licences: [hostile],
          notes: [hostile],
        },
        { line: 3, userPrincipalName: hostile, status: 'queued', licences: [], notes: [] },
        {
          line: 4,
          userPrincipalName: 'c@contoso.com',
          displayName: hostile,
          status: 'failed',
          licences: [],
          notes: [],
          error: hostile,
        },
      ],
      licences: [{ skuPartNumber: hostile, consumed: 1, enabled: 2, remaining: 1 }],
      warnings: [hostile],
    };
    expectEscaped(renderCard(reportTemplate, toProvisionReportData(report)));
  });

  it('provisioning request card: joiner names, licences, reason, notes', () => {
    const request = aRequest({ kind: 'provision', options: {} });
    const target = {
      id: 'u1',
      userPrincipalName: `${hostile}@contoso.com`,
      displayName: hostile,
      accountEnabled: true,
      isSynced: false,
    };
    const data = toProvisionRequestData(
      request,
      plan,
      {
        input: {
          user: target,
          usageLocation: { value: hostile, source: 'row' },
          licences: [{ skuId: 's', skuPartNumber: hostile, disabledPlans: [], disabledPlanNames: [hostile] }],
          reason: hostile,
          reactivate: false,
          mailbox: { isExpected: true, pollMs: 1000 },
        },
        notes: [hostile],
        target,
      },
      [hostile],
    );
    expectEscaped(renderCard(provisionTemplate, data));
  });

  it('progress and summary cards: the subject, step titles and errors', () => {
    const summary: RunSummary = {
      steps: [
        {
          stepId: 's',
          title: hostile,
          system: 'exchange',
          status: 'failed',
          isNothingToDo: false,
          changeCount: 1,
          appliedCount: 0,
          results: [],
          attempts: 1,
          error: hostile,
          warnings: [],
        },
      ],
      counts: { waiting: 0, running: 0, done: 0, failed: 1, skipped: 0 },
      changes: { total: 1, applied: 0 },
      isFinished: true,
    };
    const request = aRequest({ state: 'failed' });
    expectEscaped(renderCard(progressTemplate, progressCardData(request, summary, 1000)));
    expectEscaped(renderCard(summaryTemplate, summaryCardData(request, 'failed', summary, 1000, [])));
  });

  it('revoke preview and summary cards: the user, mailboxes, warnings and the ticket', () => {
    const discovery = {
      user: {
        userPrincipalName: `${hostile}@contoso.com`,
        displayName: hostile,
        primarySmtpAddress: 'x@contoso.com',
        identities: [],
      },
      categories: ['full_access'],
      permissions: [{ category: 'full_access', mailbox: hostile, permission: 'FullAccess', trustee: 'x' }],
      warnings: [hostile],
    } as Discovery;
    expectEscaped(revokeRequestCard(aRequest({ kind: 'revoke' }), discovery));
    const summary: RevokeSummary = {
      success: true,
      removal_summary: {
        user_email: 'x@contoso.com',
        user_display_name: hostile,
        company: 'c',
        total_permissions_removed: 1,
      },
      permissions_removed: {
        full_access: [{ mailbox: hostile, permission: 'FullAccess', removed: true }],
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
      ticket_id: hostile,
    };
    expectEscaped(revokeSummaryCard('REQ-20261204-ABCDEF', summary));
  });

  it('delegate notice card: the leaver, the mailbox, forwarding and who asked', () => {
    const data = noticeCardData({
      requestId: 'REQ-20261204-ABCDEF',
      delegate: { id: 'd', userPrincipalName: 'd@contoso.com', displayName: 'D' },
      leaver: { userPrincipalName: `${hostile}@contoso.com`, displayName: hostile },
      requestedBy: hostile,
      mailbox: { address: hostile, hasFullAccess: true, isShared: true },
      forwardingTo: hostile,
    });
    expectEscaped(renderCard(noticeTemplate, data));
  });
});
