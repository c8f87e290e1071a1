/**
 * Issue 17 end to end through the Microsoft 365 Agents Playground (its HTTP/WebSocket API, no mocks in
 * between): the IT persona offboards Adele Vance, the leaver the sandbox seeds with every hard case of
 * the leaver checklist, with every option on. Two approvers agree (wiping corporate devices needs
 * them). The sandbox's own state, read over its HTTP control API, shows each item done; the summary
 * card lists each item; the JSON export, asked for in the 1:1 chat, holds each change's before- and
 * after-state. A second run, from the seeded state again, keeps the meetings and lists them for the
 * delegate on the summary card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offboardStepCatalog } from '../../src/core/offboard/offboard-plan.js';
import { seeded, seededAppObjects, seededDevices, skuIds } from '../../src/sandbox/index.js';
import { seededMeetings } from '../../src/sandbox/seed/checklist-seed.js';
import { markdownText } from '../../src/teams/cards/markdown-text.js';
import { startDevStack, type DevStack } from '../support/dev-stack.js';
import { expectOffboarded } from '../support/offboard-assertions.js';
import {
  cardHasText,
  findAction,
  PlaygroundClient,
  type PlaygroundMessage,
} from '../support/playground-client.js';

const group = 'lifecycle-group-chat';
const personal = 'lifecycle-personal-chat';
const operator = '29:isaiah-langer';
const approver = '29:joni-sherman';
const secondApprover = '29:irvin-sayers';
const U = seeded.users;
const G = seeded.groups;
const A = seededAppObjects;
const D = seededDevices;
const M = seededMeetings;

/** The steps issue 17 added, each of which must change something for Adele with every option on. */
const checklistStepIds = [
  'intune.retire-devices',
  'intune.wipe-devices',
  'entra.disable-devices',
  'exo.block-mail-clients',
  'exo.remove-mobile-devices',
  'entra.remove-sign-in-methods',
  'entra.hand-over-groups',
  'entra.hand-over-apps',
  'entra.reassign-reports',
  'exo.cancel-meetings',
  'exo.remove-distribution-groups',
  'exo.litigation-hold',
  'spo.remove-anonymous-links',
] as const;

/** Every option of the request card on (card inputs arrive as strings). */
const everyOption = {
  grantMailboxAccess: 'true',
  automapping: 'true',
  convertToShared: 'true',
  forwardTo: 'megan.bowen@contoso.com',
  autoReply: 'Adele has left Contoso. Please write to Megan Bowen.',
  litigationHold: 'true',
  keepInactiveMailbox: 'true',
  shareOneDrive: 'true',
  removeGroups: 'true',
  removeLicences: 'true',
  revokeMailboxRights: 'true',
  hideFromAddressLists: 'true',
  removeSignInMethods: 'true',
  handOverOwnership: 'true',
  appOwnership: 'add-delegate',
  reassignReports: 'true',
  retirePersonalDevices: 'true',
  wipeCorporateDevices: 'true',
  disableRegisteredDevices: 'true',
  blockMailClients: 'true',
  removeAnonymousLinks: 'true',
  organizedMeetings: 'cancel',
  meetingWindowDays: '120',
  deleteAfterDays: '30',
};

/** The records of `GET /_sandbox/state` this test reads. */
interface SandboxState {
  users: { id: string; managerId: string | null }[];
  memberships: { groupId: string; memberId: string; hiddenFrom: number | null }[];
  mailboxes: { userId: string; recipientTypeDetails: string; litigationHold: { enabled: boolean } }[];
  drivePermissions: {
    id: string;
    grantee: { kind: string; scope?: string; createdByUserId?: string };
    hiddenFrom: number | null;
  }[];
  authMethods: { userId: string; odataType: string }[];
  owners: { objectKind: string; objectId: string; ownerId: string }[];
  managedDevices: { id: string; managementState: string }[];
  entraDevices: { id: string; accountEnabled: boolean }[];
  mobileDevices: { guid: string; userId: string }[];
  casSettings: {
    userId: string;
    ActiveSyncEnabled: boolean;
    OWAEnabled: boolean;
    PopEnabled: boolean;
    ImapEnabled: boolean;
  }[];
  calendarEvents: { id: string; cancelledDateTime?: string }[];
  meetingCancellations: { eventId: string; attendeeIds: string[] }[];
}

interface ExportedJournalEntry {
  stepId: string;
  changeKey?: string;
  phase: string;
  before?: unknown;
  after?: unknown;
}

interface ExportedRequest {
  request: { id: string; options: Record<string, unknown> };
  run: {
    status: string;
    plan: { steps: { stepId: string; changes: { key: string; data: Record<string, unknown> }[] }[] };
    journal: ExportedJournalEntry[];
  };
}

describe('the whole leaver checklist through the Agents Playground (issue 17)', () => {
  let stack: DevStack;
  let pg: PlaygroundClient;
  let seededSnapshot: string;

  beforeAll(async () => {
    stack = await startDevStack();
    pg = new PlaygroundClient(stack.playgroundUrl);
    await pg.connect();
    seededSnapshot = (await control<{ id: string }>('POST', '/snapshot')).id;
  }, 180_000);
  afterAll(async () => {
    pg.close();
    await stack.close();
  });

  async function control<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${stack.sandbox.baseUrl}/_sandbox${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${String(response.status)}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  const sandboxState = (): Promise<SandboxState> => control<SandboxState>('GET', '/state');

  /** Messages already seen, so a second run waits for its own cards. */
  function seen(): Set<string> {
    return new Set(pg.messages.keys());
  }

  async function requestCard(before: Set<string>) {
    await pg.send(group, operator, 'offboard adele.vance@contoso.com', true);
    const message = await pg.waitFor(
      (m) =>
        !before.has(m.messageId) &&
        m.conversationId === group &&
        m.cards.some((c) => cardHasText(c, 'Offboard Adele Vance') && findAction(c, 'Confirm') !== undefined),
    );
    const confirm = findAction(message.cards[0], 'Confirm');
    if (!confirm) throw new Error('no Confirm button');
    return { message, confirm, requestId: String(confirm.data['requestId']) };
  }

  async function approvalCard(requestId: string): Promise<PlaygroundMessage> {
    return pg.waitFor(
      (m) =>
        m.conversationId === group &&
        m.cards.some((c) => cardHasText(c, 'approval needed') && cardHasText(c, requestId)),
    );
  }

  /** The invoke answer's card (the approval card after a decision). */
  function answeredCard(body: unknown): unknown {
    return (body as { value?: unknown }).value;
  }

  async function summaryCard(requestId: string): Promise<unknown> {
    const summary = await pg.waitFor(
      (m) =>
        m.conversationId === group &&
        m.cards.some((c) => cardHasText(c, 'JSON export') && cardHasText(c, requestId)),
      180_000,
    );
    return summary.cards[0];
  }

  /**
   * `status <id> json` in the operator's 1:1 chat: the export comes back as a JSON attachment (the
   * playground shows each attachment as a message of its own and drops the file name).
   */
  async function exportThroughChat(requestId: string): Promise<ExportedRequest> {
    const isExport = (f: PlaygroundMessage['files'][number]): boolean =>
      f.contentType === 'application/json' &&
      (f.content as { request?: { id?: unknown } } | null)?.request?.id === requestId;
    await pg.send(personal, operator, `status ${requestId} json`, false);
    const message = await pg.waitFor((m) => m.conversationId === personal && m.files.some(isExport));
    return message.files.find(isExport)?.content as ExportedRequest;
  }

  const titleOf = (stepId: string): string => {
    const step = offboardStepCatalog.find((s) => s.id === stepId);
    if (!step) throw new Error(`unknown step ${stepId}`);
    return step.title;
  };

  it('offboards Adele with every option: each item done in the sandbox, on the summary and in the export', async () => {
    const startedAt = new Date().toISOString();
    const { message, confirm, requestId } = await requestCard(seen());
    const confirmed = await pg.click(group, operator, message.messageId, confirm.verb, {
      ...confirm.data,
      ...everyOption,
    });
    expect(confirmed.status).toBe(200);

    // The approval card shows the plan with every option, and what stays for people to decide.
    const approval = await approvalCard(requestId);
    const approvalCardJson = approval.cards[0];
    expect(cardHasText(approvalCardJson, 'All Sales (dynamic) is dynamic (rule: ')).toBe(true);
    expect(cardHasText(approvalCardJson, 'link for anyone in the organisation, kept')).toBe(true);
    expect(cardHasText(approvalCardJson, 'link for anyone with the link, removed')).toBe(true);
    const oneDriveWarning = /the OneDrive is deleted on (\d{4}-\d{2}-\d{2})/.exec(
      JSON.stringify(approvalCardJson),
    );
    expect(oneDriveWarning, 'OneDrive retention warning on the approval card').not.toBeNull();

    // Wiping the corporate laptop needs two approvers: the first approval leaves it waiting.
    const first = findAction(approvalCardJson, 'Approve');
    if (!first) throw new Error('no Approve button');
    const firstAnswer = await pg.click(group, approver, approval.messageId, first.verb, first.data);
    expect(firstAnswer.status).toBe(200);
    expect((await stack.bot.store.requests.get(requestId))?.state).toBe('awaiting-approval');
    const second = findAction(answeredCard(firstAnswer.body), 'Approve');
    if (!second) throw new Error('no Approve button on the card after the first approval');
    const secondAnswer = await pg.click(group, secondApprover, approval.messageId, second.verb, second.data);
    expect(secondAnswer.status).toBe(200);

    const summary = await summaryCard(requestId);
    expect(cardHasText(summary, 'Completed')).toBe(true);

    // The sandbox, read over its HTTP control API: one assertion per item of the checklist.
    const state = await sandboxState();
    const device = (id: string) => state.managedDevices.find((d) => d.id === id);
    const ownerIds = (kind: string, id: string) =>
      state.owners
        .filter((o) => o.objectKind === kind && o.objectId === id)
        .map((o) => o.ownerId)
        .sort();
    const isMember = (groupId: string) =>
      state.memberships.some(
        (m) => m.groupId === groupId && m.memberId === U.adeleVance && m.hiddenFrom === null,
      );
    const event = (id: string) => state.calendarEvents.find((e) => e.id === id);
    const liveLinks = (scope: string) =>
      state.drivePermissions.filter(
        (p) =>
          p.grantee.kind === 'link' &&
          p.grantee.scope === scope &&
          p.grantee.createdByUserId === U.adeleVance &&
          p.hiddenFrom === null,
      );
    const mailbox = state.mailboxes.find((m) => m.userId === U.adeleVance);

    expect(device(D.personalPhone)?.managementState, '1. personal iPhone retired').toBe('retirePending');
    expect(device(D.corporateLaptop)?.managementState, '1. corporate laptop wiped').toBe('wipePending');
    expect(
      state.entraDevices.find((d) => d.id === D.registeredPhone)?.accountEnabled,
      '1. registered device disabled',
    ).toBe(false);
    expect(
      state.mobileDevices.filter((d) => d.userId === U.adeleVance),
      '1. ActiveSync partnership removed',
    ).toEqual([]);
    expect(
      state.casSettings.find((c) => c.userId === U.adeleVance),
      '1. ActiveSync, OWA, POP and IMAP off',
    ).toMatchObject({ ActiveSyncEnabled: false, OWAEnabled: false, PopEnabled: false, ImapEnabled: false });
    expect(
      state.authMethods.filter((m) => m.userId === U.adeleVance).map((m) => m.odataType),
      '2. every sign-in method but the password removed',
    ).toEqual(['#microsoft.graph.passwordAuthenticationMethod']);
    expect(ownerIds('group', G.salesTeam), '3. delegate owns the Team Adele owned alone').toEqual([
      U.meganBowen,
    ]);
    expect(ownerIds('group', G.retailSecurity), '3. co-owned group keeps its other owner').toEqual([
      U.meganBowen,
    ]);
    expect(ownerIds('application', A.salesDashboardApp), '3. delegate co-owns the app registration').toEqual(
      [U.adeleVance, U.meganBowen].sort(),
    );
    expect(
      ownerIds('servicePrincipal', A.salesDashboardSp),
      '3. delegate co-owns the enterprise app',
    ).toEqual([U.adeleVance, U.meganBowen].sort());
    expect(
      [event(M.weeklySalesSync), event(M.quarterlyReview)].map((e) => typeof e?.cancelledDateTime),
      '4. future organised meetings cancelled',
    ).toEqual(['string', 'string']);
    expect(event(M.pastKickoff)?.cancelledDateTime, '4. past meeting untouched').toBeUndefined();
    expect(
      state.meetingCancellations.map((c) => c.eventId).sort(),
      '4. attendees were sent the cancellations',
    ).toEqual([M.weeklySalesSync, M.quarterlyReview].sort());
    expect(
      state.users.filter((u) => [U.alexJohnsonSales, U.rayKim].includes(u.id)).map((u) => u.managerId),
      "5. direct reports moved to Adele's manager",
    ).toEqual([U.meganBowen, U.meganBowen]);
    expect(
      [isMember(G.salesDistribution), isMember(G.retailMailSecurity)],
      '6. distribution list and mail-enabled security group memberships removed',
    ).toEqual([false, false]);
    expect(isMember(G.allSalesDynamic), '6. dynamic group only reported, membership kept by its rule').toBe(
      true,
    );
    expect(mailbox?.litigationHold.enabled, '7. litigation hold placed').toBe(true);
    expect(mailbox?.recipientTypeDetails, '7. converted to shared after the hold').toBe('SharedMailbox');
    expect(liveLinks('anonymous'), '9. anonymous link removed').toEqual([]);
    expect(liveLinks('organization'), '9. organisation link reported, kept').toHaveLength(1);
    expectOffboarded(stack.sandbox, {
      leaverId: U.adeleVance,
      delegateId: U.meganBowen,
      startedAt,
      directSkuIds: [skuIds.SPE_E3, skuIds.POWER_BI_PRO],
      isRevokeExpected: true,
    });

    // The summary card lists each item as done.
    for (const stepId of checklistStepIds) {
      expect(cardHasText(summary, `✅ **${markdownText(titleOf(stepId))}** — done (`), stepId).toBe(true);
    }

    // The export, through the 1:1 chat: each item's changes with their before- and after-states.
    const exported = await exportThroughChat(requestId);
    expect(exported.run.status).toBe('completed');
    expect(exported.request.options['keepInactiveMailbox']).toBe(true);
    for (const stepId of checklistStepIds) {
      const planned = exported.run.plan.steps.find((s) => s.stepId === stepId)?.changes ?? [];
      const applied = exported.run.journal.filter((e) => e.stepId === stepId && e.phase === 'applied');
      expect(planned.length, `${stepId} planned changes`).toBeGreaterThan(0);
      expect(applied.map((e) => e.changeKey).sort(), `${stepId} applied each planned change`).toEqual(
        planned.map((c) => c.key).sort(),
      );
      for (const entry of applied) {
        expect(entry.before, `${stepId} ${String(entry.changeKey)} before`).toBeDefined();
        expect(entry.after, `${stepId} ${String(entry.changeKey)} after`).toBeDefined();
        expect(entry.after, `${stepId} ${String(entry.changeKey)} changed`).not.toEqual(entry.before);
      }
    }
    // 8. The delegate's access ends when the OneDrive does: the notice carries the card's date.
    const notice = exported.run.plan.steps.find((s) => s.stepId === 'notify.delegate')?.changes[0]?.data[
      'notice'
    ] as { until?: string; oneDrive?: { until?: string } } | undefined;
    expect(notice?.until, 'deletion date in the notice').toBeDefined();
    expect(notice?.oneDrive?.until, '8. OneDrive end date in the notice, as the card warned').toBe(
      oneDriveWarning?.[1],
    );
    expect(String(notice?.oneDrive?.until) > String(notice?.until), '8. OneDrive outlives the account').toBe(
      true,
    );
    expect(await stack.bot.store.conversations.get(`notice-sent:${requestId}:${U.meganBowen}`)).toMatchObject(
      {
        channel: 'teams',
      },
    );
  }, 420_000);

  it('keeps the meetings by default and lists them for the delegate on the summary card', async () => {
    await control('POST', '/restore', { id: seededSnapshot });
    const { message, confirm, requestId } = await requestCard(seen());
    const confirmed = await pg.click(group, operator, message.messageId, confirm.verb, {
      ...confirm.data,
      organizedMeetings: 'list',
    });
    expect(confirmed.status).toBe(200);
    const approval = await approvalCard(requestId);
    const approve = findAction(approval.cards[0], 'Approve');
    if (!approve) throw new Error('no Approve button');
    expect((await pg.click(group, approver, approval.messageId, approve.verb, approve.data)).status).toBe(
      200,
    );

    const summary = await summaryCard(requestId);
    expect(cardHasText(summary, 'Meetings kept for the delegate to hand over or cancel')).toBe(true);
    const text = JSON.stringify(summary);
    expect(text).toMatch(
      /\*\*Weekly sales sync\*\*: recurring series, next on \d{4}-\d{2}-\d{2} 09:00 UTC, 3 attendees/,
    );
    expect(text).toMatch(
      /\*\*Quarterly review\*\*: single meeting on \d{4}-\d{2}-\d{2} 09:00 UTC, 1 attendee/,
    );
    expect(text).not.toContain('Retail kickoff');
    expect(text).not.toContain('Product roadmap');

    const state = await sandboxState();
    expect(state.calendarEvents.filter((e) => e.cancelledDateTime !== undefined)).toEqual([]);
    expect(state.meetingCancellations).toEqual([]);
  }, 300_000);
});
