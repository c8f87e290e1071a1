/** Builders for store tests: valid domain objects with overridable fields. */
import type { LifecycleRequest } from '../../src/core/model.js';
import type { RunRecord } from '../../src/core/ports/store.js';
import type { Plan } from '../../src/core/step.js';

let sequence = 0;
/** A unique id per call, so tests sharing a database never collide. */
export function uniqueId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${process.pid}-${sequence}`;
}

export function aRequest(overrides: Partial<LifecycleRequest> = {}): LifecycleRequest {
  return {
    id: uniqueId('REQ'),
    kind: 'offboard',
    subject: {
      id: '6f1c2a7e-0000-4000-8000-000000000001',
      userPrincipalName: 'Ada.Lovelace@contoso.com',
      displayName: 'Ada Lovelace',
      mail: 'ada@contoso.com',
      isSynced: false,
    },
    options: { delegate: 'grace@contoso.com', convertToShared: true, deleteAfterDays: 30 },
    requester: {
      aadObjectId: 'aad-operator',
      tenantId: '11111111-1111-4111-8111-111111111111',
      displayName: 'Op',
    },
    approvals: [],
    approvalsRequired: 1,
    state: 'awaiting-confirmation',
    version: 0,
    createdAt: '2026-11-23T09:00:00.000Z',
    updatedAt: '2026-11-23T09:00:00.000Z',
    ...overrides,
  };
}

export const samplePlan: Plan = {
  steps: [
    {
      stepId: 'entra.block-sign-in',
      system: 'entra',
      title: 'Block sign-in',
      dependsOn: [],
      changes: [
        {
          key: 'block',
          description: 'Block sign-in for ada@contoso.com',
          data: { userId: 'u1' },
          before: true,
        },
      ],
    },
    {
      stepId: 'exo.convert-to-shared',
      system: 'exchange',
      title: 'Convert the mailbox to shared',
      dependsOn: ['entra.block-sign-in'],
      changes: [],
      warnings: ['Litigation hold needs a licence'],
    },
  ],
};

export function aRun(
  overrides: Partial<Omit<RunRecord, 'createdAt' | 'updatedAt' | 'isCancelRequested'>> = {},
): Omit<RunRecord, 'createdAt' | 'updatedAt' | 'isCancelRequested'> {
  return {
    id: uniqueId('RUN'),
    requestId: uniqueId('REQ'),
    status: 'queued',
    plan: samplePlan,
    input: { subject: { userPrincipalName: 'ada@contoso.com' }, options: ['a', 'b'] },
    ...overrides,
  };
}
