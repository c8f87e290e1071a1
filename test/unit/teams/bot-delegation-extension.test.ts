import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleRequest } from '../../../src/core/model.js';
import { offboardOptionsSchema } from '../../../src/core/offboard/offboard-input.js';
import { expiryQueueKind, type ExpiryPayload } from '../../../src/core/offboard/offboard-stages.js';
import { seeded } from '../../../src/sandbox/index.js';
import { verbs } from '../../../src/teams/cards/verbs.js';
import {
  personas,
  startBotHarness,
  tenantId,
  type BotHarness,
  type Persona,
} from '../../support/bot-harness.js';

const U = seeded.users;
const dayMs = 86_400_000;
const megan: Persona = { id: '29:megan-bowen', aadObjectId: U.meganBowen, name: 'Megan Bowen' };

describe('Extend on the expiry notice, and the extension decision (card verbs through the guard)', () => {
  let bot: BotHarness;
  let request: LifecycleRequest;

  beforeAll(async () => {
    bot = await startBotHarness();
    const now = new Date().toISOString();
    request = {
      id: 'REQ-20261204-EXTEND',
      kind: 'offboard',
      subject: {
        id: U.adeleVance,
        userPrincipalName: 'adele.vance@contoso.com',
        displayName: 'Adele Vance',
        isSynced: false,
      },
      options: {
        ...offboardOptionsSchema.parse({}),
        delegate: {
          id: U.meganBowen,
          userPrincipalName: 'megan.bowen@contoso.com',
          displayName: 'Megan Bowen',
        },
      },
      requester: {
        aadObjectId: personas.operator.aadObjectId,
        tenantId,
        displayName: personas.operator.name,
      },
      approvals: [],
      approvalsRequired: 1,
      state: 'completed',
      version: 5,
      createdAt: now,
      updatedAt: now,
    };
    await bot.store.requests.create(request);
    await bot.services.stages.schedule(request);
  });
  afterAll(async () => {
    await bot.close();
  });

  const due = async (): Promise<ExpiryPayload> =>
    (await bot.store.queue.get(expiryQueueKind, request.id))?.payload as ExpiryPayload;

  it('lets only the delegate ask, an approver other than them decide once, and refuses the stale card', async () => {
    const before = await due();
    const data = { requestId: request.id, version: before.version };

    const byOperator = await bot.click(personas.operator, verbs.delegationExtend, data);
    expect(JSON.stringify(byOperator.body)).toContain('Only the delegate');

    const asked = await bot.click(megan, verbs.delegationExtend, data);
    expect(JSON.stringify(asked.body)).toContain('Asked an approver');

    const rejectWithoutReason = await bot.click(personas.approver, verbs.delegationExtensionReject, data);
    expect(JSON.stringify(rejectWithoutReason.body)).toContain('give a reason');

    const approved = await bot.click(personas.approver, verbs.delegationExtensionApprove, data);
    expect(JSON.stringify(approved.body)).toContain('Extension approved');
    expect((await due()).dueMs).toBe(before.dueMs + 30 * dayMs);

    const replayed = await bot.click(personas.approver2, verbs.delegationExtensionApprove, data);
    expect(JSON.stringify(replayed.body)).toContain('out of date');
    expect((await due()).dueMs).toBe(before.dueMs + 30 * dayMs);

    const refusals = (await bot.store.audit.list({ requestId: request.id })).filter(
      (e) => e.type === 'action.refused',
    );
    expect(refusals.length).toBeGreaterThanOrEqual(2);
  });

  it('shows the stages in status', async () => {
    const text = (await bot.say(personas.operator, `status ${request.id}`))
      .map((r) => r.text ?? '')
      .join('\n');
    expect(text).toContain('Notice to the delegate, with Extend');
    expect(text).toMatch(/Delegate's mailbox and OneDrive access ends \(extended 1×\) · .* · scheduled/);
  });
});
