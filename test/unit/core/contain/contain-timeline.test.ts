import { describe, expect, it } from 'vitest';
import { buildContainTimeline, systemOfStep } from '../../../../src/core/contain/contain-timeline.js';
import type { JournalEntry } from '../../../../src/core/ports/store.js';
import type { Plan, PlannedStep } from '../../../../src/core/step.js';

const step = (stepId: string, system: PlannedStep['system'], changes = 1): PlannedStep => ({
  stepId,
  system,
  title: stepId,
  dependsOn: [],
  changes: Array.from({ length: changes }, (_, i) => ({ key: `k${i}`, description: 'd', data: {} })),
});

const at = (ms: number): string => new Date(Date.parse('2026-11-23T10:00:00.000Z') + ms).toISOString();

function ran(stepId: string, startMs: number, endMs: number, outcome: 'verified' | 'failed'): JournalEntry[] {
  return [
    { runId: 'r', stepId, changeKey: 'k0', phase: 'applying', attempt: 1, at: at(startMs) },
    {
      runId: 'r',
      stepId,
      changeKey: 'k0',
      phase: outcome === 'verified' ? 'applied' : 'failed',
      attempt: 1,
      at: at(startMs + 10),
      ...(outcome === 'failed' && { error: { code: 'x', name: 'Error', message: 'refused' } }),
    },
    {
      runId: 'r',
      stepId,
      phase: outcome,
      attempt: 0,
      at: at(endMs),
      ...(outcome === 'failed' && { error: { code: 'x', name: 'Error', message: 'refused' } }),
    },
  ];
}

describe('the containment timeline', () => {
  const plan: Plan = {
    steps: [
      step('entra.revoke-sessions', 'entra'),
      step('entra.block-sign-in', 'entra'),
      step('ad.disable-account', 'ad'),
      step('exo.block-mail-clients', 'exchange'),
      step('intune.retire-devices', 'entra'),
      step('exo.revoke-send-as', 'exchange'),
    ],
  };

  it('groups steps by system, times each cut-off from the origin and names the slowest', () => {
    const journal = [
      ...ran('entra.revoke-sessions', 100, 300, 'verified'),
      ...ran('entra.block-sign-in', 120, 900, 'verified'),
      ...ran('ad.disable-account', 150, 4_000, 'verified'),
      ...ran('exo.block-mail-clients', 130, 2_500, 'verified'),
      ...ran('intune.retire-devices', 140, 1_000, 'verified'),
      ...ran('exo.revoke-send-as', 160, 3_000, 'verified'),
    ];
    const timeline = buildContainTimeline(plan, journal, at(0));
    expect(timeline.systems.map((s) => [s.name, s.elapsedMs, s.isCutOff])).toEqual([
      ['Entra ID', 900, true],
      ['Active Directory', 4_000, true],
      ['Exchange Online', 2_500, true],
      ['Intune', 1_000, true],
      ['Other mailboxes', 3_000, true],
    ]);
    expect(timeline.longest).toBe('Active Directory');
    expect(timeline.firstSessionRevocation).toEqual({ at: at(110), elapsedMs: 110 });
    expect(timeline.isComplete).toBe(true);
  });

  it('marks a system with a failed step as not cut off and leaves it out of the slowest', () => {
    const journal = [
      ...ran('entra.revoke-sessions', 100, 300, 'verified'),
      ...ran('entra.block-sign-in', 120, 900, 'verified'),
      ...ran('ad.disable-account', 150, 9_000, 'failed'),
      ...ran('exo.block-mail-clients', 130, 2_500, 'verified'),
      ...ran('intune.retire-devices', 140, 1_000, 'verified'),
      ...ran('exo.revoke-send-as', 160, 3_000, 'verified'),
    ];
    const timeline = buildContainTimeline(plan, journal, at(0));
    const ad = timeline.systems.find((s) => s.name === 'Active Directory');
    expect(ad?.isCutOff).toBe(false);
    expect(ad?.steps[0]?.status).toBe('failed');
    expect(timeline.longest).toBe('Other mailboxes');
    expect(timeline.isComplete).toBe(false);
  });

  it('names the system of each containment step', () => {
    expect(
      [
        'entra.reset-password',
        'ad.reset-password',
        'exo.block-mail-clients',
        'intune.wipe-devices',
        'exo.revoke-full-access',
      ].map(systemOfStep),
    ).toEqual(['Entra ID', 'Active Directory', 'Exchange Online', 'Intune', 'Other mailboxes']);
  });
});
