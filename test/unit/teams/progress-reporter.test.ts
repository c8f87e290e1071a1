import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ProgressReporter } from '../../../src/teams/progress-reporter.js';
import { RecordingGateway } from '../../support/recording-gateway.js';

describe('progress card updates', () => {
  it('coalesces a burst of step events into few updates and always writes the final state', async () => {
    const gateway = new RecordingGateway();
    const reference = { conversation: { id: 'c1', isGroup: true, name: '', conversationType: 'groupChat' } };
    const activityId = await gateway.send(reference, { text: 'progress' });
    if (!activityId) throw new Error('no id');
    const reporter = new ProgressReporter(gateway, pino({ level: 'silent' }), 60_000);
    const location = { reference, activityId };
    for (let step = 1; step <= 50; step++) {
      reporter.schedule('run-1', location, () => Promise.resolve({ type: 'AdaptiveCard', step }));
    }
    await new Promise((resolve) => setImmediate(resolve));
    await reporter.finish('run-1', location, () => Promise.resolve({ type: 'AdaptiveCard', step: 'final' }));
    const message = gateway.messages[0];
    // 50 events inside one interval: at most the first update and the final one reach Teams.
    expect(message?.updates.length).toBeLessThanOrEqual(2);
    expect(message?.updates.at(-1)?.attachments?.[0]?.content).toEqual({
      type: 'AdaptiveCard',
      step: 'final',
    });
  });
});
