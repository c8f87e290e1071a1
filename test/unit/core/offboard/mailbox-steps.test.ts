import { describe, expect, it } from 'vitest';
import { exoAutoReply } from '../../../../src/core/offboard/mailbox-steps.js';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import type { AutomaticReplies, AutoReplies, Ports } from '../../../../src/core/ports/index.js';
import { buildPlan } from '../../../../src/core/runner/index.js';
import type { Step } from '../../../../src/core/step.js';
import { FakeClock } from '../support/fake-clock.js';
import { harness, RecordingTarget, targetStep } from '../support/runner-fixtures.js';
import { unusedPorts } from '../support/unused-ports.js';

const input: OffboardInput = {
  requestId: 'REQ-20261123-ABCDEF',
  leaver: { id: 'u1', userPrincipalName: 'lee@contoso.com', displayName: 'Lee', isSynced: false },
  delegate: null,
  requestedBy: 'Olga',
  options: { ...offboardOptionsSchema.parse({}), autoReply: 'Lee has left; write to max@contoso.com.' },
  stamp: 'Offboarded 2026-11-23 REQ-20261123-ABCDEF',
};

/** Automatic replies held in memory, recording each write. */
function memoryAutoReplies(): AutoReplies & { writes: AutomaticReplies[] } {
  let current: AutomaticReplies = { status: 'disabled' };
  const writes: AutomaticReplies[] = [];
  return {
    writes,
    getAutomaticReplies: () => Promise.resolve(current),
    setAutomaticReplies: (_userId, replies) => {
      current = replies;
      writes.push(replies);
      return Promise.resolve();
    },
  };
}

describe('exo.auto-reply', () => {
  it('sets the automatic reply while every Exchange admin API slot is busy: it calls Graph, so it takes a Graph slot', async () => {
    const clock = new FakeClock();
    const autoReplies = memoryAutoReplies();
    // Every other port throws when touched: the step uses the automatic replies port only.
    const ports: Ports = { ...unusedPorts(clock), autoReplies };
    const target = new RecordingTarget();
    const writesSeenByExchangeCall: number[] = [];
    const exchangeCall = targetStep(target, 'exo.busy', ['k1'], {
      system: 'exchange',
      beforeApply: async () => {
        await clock.sleep(1_000);
        writesSeenByExchangeCall.push(autoReplies.writes.length);
      },
    });
    const steps = [exchangeCall, exoAutoReply as Step];
    const h = harness(steps, { clock, ports, systemLimits: { exchange: 1 } });
    const plan = await buildPlan(steps, { input, ports, signal: new AbortController().signal }, { clock });
    await h.store.runs.create({ id: 'run-1', requestId: input.requestId, status: 'queued', plan, input });

    expect(await h.runner.execute('run-1')).toMatchObject({ status: 'completed' });

    expect(writesSeenByExchangeCall).toEqual([1]);
    expect(autoReplies.writes).toEqual([
      {
        status: 'alwaysEnabled',
        internalReplyMessage: input.options.autoReply,
        externalReplyMessage: input.options.autoReply,
        externalAudience: 'all',
      },
    ]);
  });
});
