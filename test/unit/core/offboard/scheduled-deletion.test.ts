import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleRequest } from '../../../../src/core/model.js';
import { processDueDeletions, scheduleDeletion } from '../../../../src/core/offboard/scheduled-deletion.js';
import type { Clock } from '../../../../src/core/ports/clock.js';
import { seeded } from '../../../../src/sandbox/index.js';
import { startBotHarness, type BotHarness } from '../../../support/bot-harness.js';

const U = seeded.users;

describe('delete after N days (real Graph connector against the sandbox)', () => {
  let bot: BotHarness;
  let nowMs = Date.parse('2026-11-23T10:00:00Z');
  const clock: Clock = { now: () => nowMs, sleep: () => Promise.resolve() };

  beforeAll(async () => {
    bot = await startBotHarness();
  });
  afterAll(async () => {
    await bot.close();
  });

  async function completedRequest(id: string, userId: string, upn: string): Promise<LifecycleRequest> {
    const request: LifecycleRequest = {
      id,
      kind: 'offboard',
      subject: { id: userId, userPrincipalName: upn, displayName: upn, isSynced: false },
      options: {},
      requester: { aadObjectId: 'op', tenantId: 't' },
      approvals: [],
      approvalsRequired: 1,
      state: 'completed',
      version: 5,
      createdAt: new Date(nowMs).toISOString(),
      updatedAt: new Date(nowMs).toISOString(),
    };
    await bot.store.requests.create(request);
    return request;
  }

  function deps() {
    return {
      store: bot.store,
      users: bot.services.ports.users,
      accounts: bot.services.ports.accounts,
      policy: bot.services.deps.policy,
      clock,
    };
  }

  it('deletes a still-disabled account when due, not before, and audits it', async () => {
    const request = await completedRequest(
      'REQ-20261123-DELAAA',
      U.christieCline,
      'christie.cline@contoso.com',
    );
    await scheduleDeletion(deps(), request, 30);
    expect(await processDueDeletions(deps())).toBe(0);
    expect(bot.sandbox.state.directory.getUser(U.christieCline)).toBeDefined();
    nowMs += 30 * 86_400_000 + 1000;
    expect(await processDueDeletions(deps())).toBe(1);
    expect(await bot.services.ports.users.getUser(U.christieCline)).toBeNull();
    const types = (await bot.store.audit.list({ requestId: request.id })).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['deletion.scheduled', 'deletion.applied']));
  });

  it('cancels the deletion of an account that was enabled again', async () => {
    const request = await completedRequest('REQ-20261123-DELBBB', U.rayKim, 'ray.kim@contoso.com');
    await scheduleDeletion(deps(), request, 1);
    nowMs += 2 * 86_400_000;
    expect(await processDueDeletions(deps())).toBe(0);
    expect(await bot.services.ports.users.getUser(U.rayKim)).not.toBeNull();
    const cancelled = (await bot.store.audit.list({ requestId: request.id })).find(
      (e) => e.type === 'deletion.cancelled',
    );
    expect(cancelled?.details['reason']).toBe('the account was enabled again');
  });
});
