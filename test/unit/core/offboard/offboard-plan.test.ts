import { describe, expect, it } from 'vitest';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { offboardSteps } from '../../../../src/core/offboard/offboard-plan.js';
import type { Directory } from '../../../../src/core/ports/directory.js';
import type { Step } from '../../../../src/core/step.js';

const input = (isSynced: boolean): OffboardInput => ({
  requestId: 'REQ-20261123-ABCDEF',
  leaver: { id: 'u1', userPrincipalName: 'lee@contoso.com', displayName: 'Lee', isSynced },
  delegate: { id: 'm1', userPrincipalName: 'max@contoso.com', displayName: 'Max' },
  requestedBy: 'Olga',
  options: offboardOptionsSchema.parse({}),
  stamp: 'Offboarded 2026-11-23 REQ-20261123-ABCDEF',
  disabledOuDn: 'OU=Disabled,DC=lifecycle,DC=test',
});

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

const directory = {} as Directory;

describe('offboarding plan order', () => {
  it('leaves AD out for cloud-only users', () => {
    const ids = offboardSteps(input(false), { directory }).map((s) => s.id);
    expect(ids.some((id) => id.startsWith('ad.'))).toBe(false);
  });

  it('converts to shared, grants access and holds before removing licences', () => {
    const steps = offboardSteps(input(false), { directory });
    const before = ancestors(steps, 'entra.remove-licences');
    for (const id of [
      'exo.convert-to-shared',
      'exo.litigation-hold',
      'exo.grant-delegate',
      'spo.grant-delegate',
    ]) {
      expect(before.has(id)).toBe(true);
    }
  });

  it('disables in AD before blocking in Entra for synced users, and moves the account last', () => {
    const steps = offboardSteps(input(true), { directory });
    expect(ancestors(steps, 'entra.block-sign-in').has('ad.disable-account')).toBe(true);
    const beforeMove = ancestors(steps, 'ad.move-to-disabled-ou');
    expect(beforeMove.size).toBe(steps.length - 1);
  });

  it('notifies the delegate only after the grants', () => {
    const steps = offboardSteps(input(false), { directory });
    const before = ancestors(steps, 'notify.delegate');
    expect([...before]).toEqual(
      expect.arrayContaining(['exo.grant-delegate', 'spo.grant-delegate', 'exo.convert-to-shared']),
    );
  });

  it('includes the revoke steps before licence removal when asked to', () => {
    const revoke: Step<OffboardInput> = {
      id: 'exo.revoke-full-access',
      system: 'exchange',
      title: 'Remove FullAccess',
      plan: () => Promise.resolve([]),
      apply: () => Promise.resolve(),
      verify: () => Promise.resolve({ ok: true }),
    };
    const steps = offboardSteps(input(false), { directory }, { revokeSteps: [revoke] });
    expect(ancestors(steps, 'entra.remove-licences').has('exo.revoke-full-access')).toBe(true);
    const without = offboardSteps(
      { ...input(false), options: { ...input(false).options, revokeMailboxRights: false } },
      { directory },
      { revokeSteps: [revoke] },
    );
    expect(without.map((s) => s.id)).not.toContain('exo.revoke-full-access');
  });

  it('removes sign-in methods only after the sessions are revoked', () => {
    for (const isSynced of [false, true]) {
      const steps = offboardSteps(input(isSynced), { directory });
      const before = ancestors(steps, 'entra.remove-sign-in-methods');
      expect(before.has('entra.revoke-sessions')).toBe(true);
      expect(before.has('entra.block-sign-in')).toBe(true);
    }
  });

  it('hands group ownership over before any membership is removed, in Entra and in AD', () => {
    const steps = offboardSteps(input(true), { directory });
    expect(ancestors(steps, 'entra.remove-groups').has('entra.hand-over-groups')).toBe(true);
    expect(ancestors(steps, 'ad.remove-groups').has('entra.hand-over-groups')).toBe(true);
  });

  it('still removes licences last: after sign-in methods, ownership and direct reports', () => {
    const steps = offboardSteps(input(false), { directory });
    const before = ancestors(steps, 'entra.remove-licences');
    for (const id of [
      'entra.remove-sign-in-methods',
      'entra.hand-over-groups',
      'entra.hand-over-apps',
      'entra.reassign-reports',
    ]) {
      expect(before.has(id)).toBe(true);
    }
  });

  it('starts the device steps at once and removes licences after them', () => {
    const steps = offboardSteps(input(false), { directory });
    const deviceSteps = [
      'intune.retire-devices',
      'intune.wipe-devices',
      'entra.disable-devices',
      'exo.block-mail-clients',
      'exo.remove-mobile-devices',
    ];
    for (const id of deviceSteps) {
      expect(ancestors(steps, id).size).toBe(0);
      expect(ancestors(steps, 'entra.remove-licences').has(id)).toBe(true);
    }
  });

  it('only keeps dependencies on steps that are in the plan', () => {
    const steps = offboardSteps(input(false), {});
    const ids = new Set(steps.map((s) => s.id));
    for (const s of steps) for (const d of s.dependsOn ?? []) expect(ids.has(d)).toBe(true);
  });
});
