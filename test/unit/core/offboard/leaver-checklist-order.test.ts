/** Order of the leaver-checklist steps in the offboarding plan. */
import { describe, expect, it } from 'vitest';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { offboardSteps } from '../../../../src/core/offboard/offboard-plan.js';
import type { Step } from '../../../../src/core/step.js';

const input: OffboardInput = {
  requestId: 'REQ-20261123-ABCDEF',
  leaver: { id: 'u1', userPrincipalName: 'lee@contoso.com', displayName: 'Lee', isSynced: false },
  delegate: { id: 'm1', userPrincipalName: 'max@contoso.com', displayName: 'Max' },
  requestedBy: 'Olga',
  options: offboardOptionsSchema.parse({ keepInactiveMailbox: true }),
  stamp: 'Offboarded 2026-11-23 REQ-20261123-ABCDEF',
};

/** Every step id that must finish before `id`, following dependencies transitively. */
function ancestors(steps: Step<OffboardInput>[], id: string): Set<string> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const visit = (stepId: string): void => {
    for (const dep of byId.get(stepId)?.dependsOn ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
    }
  };
  visit(id);
  return seen;
}

describe('leaver checklist order', () => {
  const steps = offboardSteps(input, {});

  it('places the litigation hold before the conversion to shared', () => {
    expect(ancestors(steps, 'exo.convert-to-shared').has('exo.litigation-hold')).toBe(true);
    expect(ancestors(steps, 'exo.litigation-hold').has('exo.convert-to-shared')).toBe(false);
  });

  it('removes licences after the hold and the conversion', () => {
    const before = ancestors(steps, 'entra.remove-licences');
    expect(before.has('exo.litigation-hold')).toBe(true);
    expect(before.has('exo.convert-to-shared')).toBe(true);
  });

  it('removes distribution lists alongside the other memberships, and licences after them', () => {
    const dl = steps.find((s) => s.id === 'exo.remove-distribution-groups');
    const graph = steps.find((s) => s.id === 'entra.remove-groups');
    expect(dl?.dependsOn ?? []).toEqual(graph?.dependsOn ?? []);
    expect(ancestors(steps, 'entra.remove-licences').has('exo.remove-distribution-groups')).toBe(true);
  });

  it('removes anonymous links before the licences go', () => {
    expect(ancestors(steps, 'entra.remove-licences').has('spo.remove-anonymous-links')).toBe(true);
  });

  it('cancels organised meetings while the mailbox is still the user’s own: before the conversion and the licences', () => {
    expect(ancestors(steps, 'exo.convert-to-shared').has('exo.cancel-meetings')).toBe(true);
    expect(ancestors(steps, 'entra.remove-licences').has('exo.cancel-meetings')).toBe(true);
    expect(ancestors(steps, 'exo.cancel-meetings').has('exo.convert-to-shared')).toBe(false);
    expect(ancestors(steps, 'exo.cancel-meetings').has('entra.remove-licences')).toBe(false);
  });
});
