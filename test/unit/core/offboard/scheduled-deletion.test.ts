import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LifecycleRequest } from '../../../../src/core/model.js';
import { offboardOptionsSchema } from '../../../../src/core/offboard/offboard-input.js';
import { deletionQueueKind, deletionRunId } from '../../../../src/core/offboard/scheduled-deletion.js';
import type { Clock } from '../../../../src/core/ports/clock.js';
import { seeded } from '../../../../src/sandbox/index.js';
import { personas, startBotHarness, tenantId, type BotHarness } from '../../../support/bot-harness.js';

const U = seeded.users;
const dayMs = 86_400_000;

describe('delete after N days: the deletion stage (real Graph connector against the sandbox)', () => {
  let bot: BotHarness;
  let nowMs = Date.parse('2026-11-23T10:00:00Z');
  const clock: Clock = { now: () => nowMs, sleep: () => Promise.resolve() };

  beforeAll(async () => {
    // The stages run on the sandbox's dev clock, built on this one.
    bot = await startBotHarness({}, { scheduleClock: clock });
  });
  afterAll(async () => {
    await bot.close();
  });

  /** A completed offboarding of `userId` (disabled first, as its run would have), with its leave run. */
  async function completedRequest(id: string, userId: string, upn: string): Promise<LifecycleRequest> {
    await bot.services.ports.accounts.setAccountEnabled(userId, false);
    const at = new Date(nowMs).toISOString();
    const request: LifecycleRequest = {
      id,
      kind: 'offboard',
      subject: { id: userId, userPrincipalName: upn, displayName: upn, isSynced: false },
      options: { ...offboardOptionsSchema.parse({}), deleteAfterDays: 30 },
      requester: {
        aadObjectId: personas.operator.aadObjectId,
        tenantId,
        displayName: personas.operator.name,
      },
      approvals: [],
      approvalsRequired: 1,
      state: 'completed',
      version: 5,
      runId: `${id}-leave`,
      createdAt: at,
      updatedAt: at,
    };
    await bot.store.requests.create(request);
    await bot.store.runs.create({
      id: `${id}-leave`,
      requestId: id,
      status: 'completed',
      plan: { steps: [] },
      input: bot.services.deps.offboard.inputFor(request),
    });
    return request;
  }

  const auditTypes = async (requestId: string): Promise<string[]> =>
    (await bot.store.audit.list({ requestId, limit: 1000 })).map((e) => e.type);

  it('deletes a still-disabled account when due, not before, in a run of its own that keeps the account as it was', async () => {
    const request = await completedRequest(
      'REQ-20261123-DELAAA',
      U.christieCline,
      'christie.cline@contoso.com',
    );
    const before = await bot.services.ports.users.getUser(U.christieCline);
    await bot.services.stages.scheduleDeletion(request, 30);
    expect(await bot.services.stages.processDue()).toBe(0);
    expect(bot.sandbox.state.directory.getUser(U.christieCline)).toBeDefined();
    let stages = await bot.services.stages.stagesOf(request);
    expect(stages.find((s) => s.id === 'deletion')).toMatchObject({
      state: 'scheduled',
      at: new Date(nowMs + 30 * dayMs).toISOString(),
    });

    nowMs += 30 * dayMs + 1000;
    expect(await bot.services.stages.processDue()).toBe(1);
    expect(await bot.services.ports.users.getUser(U.christieCline)).toBeNull();
    const run = await bot.store.runs.get(deletionRunId(request.id));
    expect(run?.status).toBe('completed');
    const journal = await bot.store.journal.list(deletionRunId(request.id));
    const applied = journal.filter((e) => e.phase === 'applied');
    expect(applied.map((e) => `${e.stepId} ${e.changeKey ?? ''}`)).toEqual([
      `entra.delete-user user:${U.christieCline}`,
    ]);
    // The before-state is the account as it was when the stage planned.
    expect(applied[0]?.before).toEqual(before);
    expect(await auditTypes(request.id)).toEqual(
      expect.arrayContaining(['deletion.scheduled', 'stage.started', 'stage.finished', 'deletion.applied']),
    );
    stages = await bot.services.stages.stagesOf(request);
    expect(stages.find((s) => s.id === 'deletion')).toMatchObject({
      state: 'completed',
      runId: deletionRunId(request.id),
      detail: '1/1 changes',
    });
    // Handled once: nothing is due any more.
    expect(await bot.services.stages.processDue()).toBe(0);
    expect((await bot.store.queue.get(deletionQueueKind, U.christieCline))?.status).toBe('done');
  });

  it('runs a deletion queued by an earlier version (same queue item), as a stage run', async () => {
    const request = await completedRequest(
      'REQ-20261123-DELCCC',
      U.isaiahLanger,
      'isaiah.langer@contoso.com',
    );
    // Exactly what the earlier `scheduleDeletion` wrote.
    await bot.store.queue.enqueue({
      kind: 'offboard.delete',
      key: U.isaiahLanger,
      payload: {
        requestId: request.id,
        userId: U.isaiahLanger,
        userPrincipalName: 'isaiah.langer@contoso.com',
      },
      notBeforeMs: nowMs + dayMs,
    });
    nowMs += dayMs + 1000;
    expect(await bot.services.stages.processDue()).toBe(1);
    expect(await bot.services.ports.users.getUser(U.isaiahLanger)).toBeNull();
    expect((await bot.store.runs.get(deletionRunId(request.id)))?.status).toBe('completed');
  });

  it('cancels the deletion of an account that was enabled again, and of an undone offboarding', async () => {
    const enabled = await completedRequest('REQ-20261123-DELBBB', U.rayKim, 'ray.kim@contoso.com');
    await bot.services.stages.scheduleDeletion(enabled, 1);
    await bot.services.ports.accounts.setAccountEnabled(U.rayKim, true);

    const undone = await completedRequest('REQ-20261123-DELDDD', U.lynneRobbins, 'lynne.robbins@contoso.com');
    await bot.services.stages.scheduleDeletion(undone, 1);
    await bot.store.requests.create({
      ...undone,
      id: 'REQ-20261123-UNDDDD',
      kind: 'undo',
      options: { targetRequestId: undone.id },
      state: 'awaiting-approval',
      version: 1,
    });

    nowMs += 2 * dayMs;
    expect(await bot.services.stages.processDue()).toBe(0);
    expect(await bot.services.ports.users.getUser(U.rayKim)).not.toBeNull();
    expect(await bot.services.ports.users.getUser(U.lynneRobbins)).not.toBeNull();
    const reason = async (requestId: string) =>
      (await bot.store.audit.list({ requestId })).find((e) => e.type === 'deletion.cancelled')?.details[
        'reason'
      ];
    expect(await reason(enabled.id)).toBe('the account was enabled again');
    expect(await reason(undone.id)).toBe(
      `The offboarding ${undone.id} has an undo (REQ-20261123-UNDDDD, awaiting-approval)`,
    );
    expect(await bot.store.runs.get(deletionRunId(enabled.id))).toBeNull();
    expect((await bot.services.stages.stagesOf(enabled)).find((s) => s.id === 'deletion')?.state).toBe(
      'cancelled',
    );
  });
});
