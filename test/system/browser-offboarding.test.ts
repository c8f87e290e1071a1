/**
 * Offboarding through the real Agents Playground web UI in headless Chromium: the operator (Isaiah
 * Langer) @mentions the bot in the group chat, reads the rendered plan and clicks Confirm; the
 * approver (Joni Sherman, in her own browser profile, see playground-ui.ts) clicks Approve on the
 * rendered approval card; the operator's page then shows the progress card and the summary. The
 * sandbox must show every change afterwards.
 */
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seeded, skuIds } from '../../src/sandbox/index.js';
import { tryLaunchChromium } from '../support/chromium.js';
import { startDevStack, type DevStack } from '../support/dev-stack.js';
import { expectOffboarded } from '../support/offboard-assertions.js';
import { PlaygroundPage } from '../support/playground-ui.js';

const U = seeded.users;
const operatorId = '29:isaiah-langer';
const approverId = '29:joni-sherman';
const groupChat = 'Lifecycle requests';
const requestIdPattern = /REQ-\d{8}-[A-Z0-9]+/;

const launched = await tryLaunchChromium();
const skipReason = 'skipReason' in launched ? launched.skipReason : undefined;
if (skipReason) console.warn(`browser-offboarding skipped: ${skipReason}`);

interface InvokeBody {
  from?: { id?: string };
  value?: { action?: { verb?: string } };
}

function invokeOf(request: Request): InvokeBody {
  return request.postDataJSON() as InvokeBody;
}

describe.skipIf(skipReason !== undefined)('offboarding in the Agents Playground UI (Chromium)', () => {
  let browser: Browser;
  let stack: DevStack;
  let operator: PlaygroundPage;
  let approver: PlaygroundPage;

  beforeAll(async () => {
    if (!('browser' in launched)) throw new Error(skipReason);
    browser = launched.browser;
    stack = await startDevStack();
    operator = await PlaygroundPage.open(browser, stack.playgroundUrl);
    approver = await PlaygroundPage.open(browser, stack.playgroundUrl, { personaId: approverId });
  }, 180_000);

  afterAll(async () => {
    await browser.close();
    await stack?.close();
  });

  it('request, confirm, approve as another persona, progress and summary, all rendered', async () => {
    const startedAt = new Date().toISOString();
    // Both profiles show the bot's welcome card, each signed in as its own persona.
    await operator.waitForCard('Hi, I run the identity lifecycle');
    await expect.poll(() => operator.page.getByText('Isaiah Langer').first().isVisible()).toBe(true);
    await expect.poll(() => approver.page.getByText('Joni Sherman').first().isVisible()).toBe(true);

    await operator.openChat(groupChat);
    await approver.openChat(groupChat);
    await operator.sendMention('Lifecycle', 'offboard adele.vance@contoso.com');

    // The request card: plan preview read from the tenant, options, Confirm and Cancel.
    const request = await operator.waitForCard('Offboard Adele Vance', 'Confirm');
    await expect.poll(() => request.innerText()).toMatch(/Block sign-in/);
    expect(await request.innerText()).toMatch(/Convert the mailbox to shared/);
    expect(await request.getByRole('button', { name: 'Cancel' }).count()).toBe(1);
    const requestId = requestIdPattern.exec(await request.innerText())?.[0];
    expect(requestId, 'request id on the card').toBeDefined();
    if (!requestId) return;

    const confirmClick = operator.page.waitForRequest((r) => r.url().endsWith('/_conversation/v1/invoke'));
    await request.getByRole('button', { name: 'Confirm' }).click();
    const confirm = invokeOf(await confirmClick);
    expect(confirm.from?.id).toBe(operatorId);
    expect(confirm.value?.action?.verb).toBe('offboard.confirm');

    // The approval card reaches the approver's client; she approves there.
    const approval = await approver.waitForCard(
      new RegExp(`approval needed[\\s\\S]*${requestId}`),
      'Approve',
    );
    expect(await approval.getByRole('button', { name: 'Reject' }).count()).toBe(1);
    const approveClick = approver.page.waitForRequest((r) => r.url().endsWith('/_conversation/v1/invoke'));
    await approval.getByRole('button', { name: 'Approve' }).click();
    const approve = invokeOf(await approveClick);
    expect(approve.from?.id).toBe(approverId);
    expect(approve.value?.action?.verb).toBe('request.approve');

    // Progress card (updated in place) and the summary, in the operator's client.
    await operator.waitForCard('Offboarding Adele Vance');
    const summary = await operator.waitForCard(
      new RegExp(`Offboarding of Adele Vance: Completed[\\s\\S]*${requestId}[\\s\\S]*JSON export`),
      undefined,
      150_000,
    );
    expect(await summary.innerText()).toMatch(/0 failed/);
    const updates = [...operator.updatedMessages().values()];
    expect(Math.max(0, ...updates), 'progress card updated in place').toBeGreaterThan(1);

    const stored = await stack.bot.store.requests.get(requestId);
    expect(stored?.state).toBe('completed');
    expect(stored?.requester.aadObjectId).toBe(U.isaiahLanger);
    expect(stored?.approvals.map((a) => [a.approver.aadObjectId, a.decision])).toEqual([
      [U.joniSherman, 'approved'],
    ]);

    const adele = stack.sandbox.state.directory.getUser(U.adeleVance);
    expect(adele?.accountEnabled, 'Adele disabled').toBe(false);
    expect(stack.sandbox.state.exchange.getMailbox(U.adeleVance)?.recipientTypeDetails).toBe('SharedMailbox');
    expect(adele?.assignedLicenses, 'direct licences removed').toEqual([]);
    expectOffboarded(stack.sandbox, {
      leaverId: U.adeleVance,
      delegateId: U.meganBowen,
      startedAt,
      directSkuIds: [skuIds.SPE_E3, skuIds.POWER_BI_PRO],
      isRevokeExpected: true,
    });
  }, 180_000);
});
