import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../src/core/errors.js';
import { assertPlannable, FlowRegistry } from '../../../../src/core/flows/registry.js';
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { offboardStepCatalog, offboardSteps } from '../../../../src/core/offboard/offboard-plan.js';
import {
  buildRevokeStepGroup,
  AdaptiveLimiter,
  PermissionInventory,
} from '../../../../src/core/revoke/index.js';
import type { Directory } from '../../../../src/core/ports/directory.js';
import type { Step } from '../../../../src/core/step.js';
import { createMemoryStore } from '../../../support/memory-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { RecordingTarget, targetStep } from '../support/runner-fixtures.js';
import { StepsFlow } from './runs-fixtures.js';

describe('FlowRegistry', () => {
  const clock = new FakeClock();
  const target = new RecordingTarget();
  const a = targetStep(target, 'a', ['k']);
  const b = targetStep(target, 'b', ['k']);

  it('is the one list of steps: every flow step once, shared steps once', () => {
    const registry = new FlowRegistry([
      new StepsFlow([a, b], clock),
      new StepsFlow([b], clock, [], 'revoke'),
    ]);
    expect(registry.steps().map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('refuses two different steps with one id, and two flows of one kind', () => {
    const other = targetStep(target, 'a', ['x']);
    expect(() => new FlowRegistry([new StepsFlow([a, other], clock)])).toThrow(
      /Two different steps have the id a/,
    );
    expect(() => new FlowRegistry([new StepsFlow([a], clock), new StepsFlow([b], clock)])).toThrow(
      /Two flows/,
    );
  });

  it('answers ConflictError for a kind without a flow', () => {
    const registry = new FlowRegistry([new StepsFlow([a], clock)]);
    expect(() => registry.flowFor({ id: 'REQ-1', kind: 'provision' })).toThrow(ConflictError);
  });

  it('refuses a plan that names a step its flow does not declare', () => {
    const plan = {
      steps: [{ stepId: 'c', system: 'local' as const, title: 'C', dependsOn: [], changes: [] }],
    };
    expect(() => assertPlannable({ kind: 'offboard', steps: [a] }, plan)).toThrow(/does not declare: c/);
  });
});

describe('the offboarding catalogue', () => {
  const store = createMemoryStore();
  const clock = new FakeClock();
  const limiter = new AdaptiveLimiter({ clock });
  const inventory = new PermissionInventory({
    state: store.state,
    mailbox: {} as never,
    clock,
    limiter,
  });
  const revoke = buildRevokeStepGroup<OffboardInput>({ inventory, limiter });
  const declared = new Set([...offboardStepCatalog, ...revoke].map((s: Step<OffboardInput>) => s.id));
  const directory = {} as Directory;

  it.each([
    [true, true],
    [true, false],
    [false, true],
    [false, false],
  ])('declares every step a plan can use (synced %s, mailbox rights %s)', (isSynced, revokeMailboxRights) => {
    const input: OffboardInput = {
      requestId: 'REQ-1',
      leaver: { id: 'u1', userPrincipalName: 'u1@contoso.com', displayName: 'U1', isSynced },
      delegate: null,
      requestedBy: 'op',
      options: { ...offboardOptionsSchema.parse({}), revokeMailboxRights },
      stamp: 'Offboarded',
    };
    const planned = offboardSteps(input, { directory }, { revokeSteps: revoke });
    expect(planned.map((s) => s.id).filter((id) => !declared.has(id))).toEqual([]);
    expect(planned.length).toBeGreaterThan(isSynced ? 15 : 10);
  });
});
