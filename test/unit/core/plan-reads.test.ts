import { describe, expect, it } from 'vitest';
import type { Ports } from '../../../src/core/ports/index.js';
import { planReads } from '../../../src/core/runner/plan-reads.js';
import { buildPlan } from '../../../src/core/runner/build-plan.js';
import type { Step } from '../../../src/core/step.js';

/** A mailbox port that counts its calls; only the methods the tests use. */
function countingMailbox() {
  const calls: string[] = [];
  let failNext = false;
  const mailbox = {
    getMailbox(identity: string) {
      calls.push(`getMailbox ${identity}`);
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('connection reset'));
      }
      return Promise.resolve({ primarySmtpAddress: identity, grantSendOnBehalfTo: ['a', 'b'] });
    },
    convertToShared(identity: string) {
      calls.push(`convertToShared ${identity}`);
      return Promise.resolve();
    },
  };
  return {
    calls,
    failNextRead: () => (failNext = true),
    ports: { mailbox, clock: { now: () => 0 } } as unknown as Ports,
  };
}

describe('reads shared within one plan', () => {
  it('asks the same question once, different questions each once, and never shares writes', async () => {
    const { calls, ports } = countingMailbox();
    const view = planReads(ports);
    const [a, b, c] = await Promise.all([
      view.mailbox.getMailbox('ada@contoso.com'),
      view.mailbox.getMailbox('ada@contoso.com'),
      view.mailbox.getMailbox('bob@contoso.com'),
    ]);
    await view.mailbox.convertToShared('ada@contoso.com');
    await view.mailbox.convertToShared('ada@contoso.com');
    expect(calls).toEqual([
      'getMailbox ada@contoso.com',
      'getMailbox bob@contoso.com',
      'convertToShared ada@contoso.com',
      'convertToShared ada@contoso.com',
    ]);
    expect(a).toEqual(b);
    expect(c?.primarySmtpAddress).toBe('bob@contoso.com');
    // Each caller has its own copy: one step changing its answer changes nobody else's.
    a?.grantSendOnBehalfTo.push('c');
    expect(b?.grantSendOnBehalfTo).toEqual(['a', 'b']);
    expect(planReads(view)).toBe(view);
    expect(view.clock).toBe(ports.clock);
  });

  it('asks again after a failed read (the planner retries it)', async () => {
    const { calls, ports, failNextRead } = countingMailbox();
    const view = planReads(ports);
    failNextRead();
    await expect(view.mailbox.getMailbox('ada@contoso.com')).rejects.toThrow('connection reset');
    await expect(view.mailbox.getMailbox('ada@contoso.com')).resolves.toMatchObject({
      primarySmtpAddress: 'ada@contoso.com',
    });
    expect(calls).toEqual(['getMailbox ada@contoso.com', 'getMailbox ada@contoso.com']);
  });

  it('buildPlan: five steps reading the same mailbox make one call; each new plan reads afresh', async () => {
    const { calls, ports } = countingMailbox();
    const steps: Step[] = Array.from({ length: 5 }, (_, i) => ({
      id: `step.${i}`,
      system: 'exchange',
      title: `Step ${i}`,
      async plan(ctx) {
        const m = await ctx.ports.mailbox.getMailbox('ada@contoso.com');
        return m ? [{ key: 'k', description: 'd', data: {} }] : [];
      },
      apply: () => Promise.resolve(),
      verify: () => Promise.resolve({ ok: true }),
    }));
    const ctx = { input: {}, ports, signal: new AbortController().signal };
    const plan = await buildPlan(steps, ctx);
    expect(plan.steps.map((s) => s.changes.length)).toEqual([1, 1, 1, 1, 1]);
    expect(calls).toEqual(['getMailbox ada@contoso.com']);
    await buildPlan(steps, ctx);
    expect(calls).toHaveLength(2);
  });
});
