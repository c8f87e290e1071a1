/** Offboarding inputs for step tests against the seeded sandbox (Adele Vance is the cloud-only leaver). */
import { offboardOptionsSchema, type OffboardInput } from '../../../../src/core/offboard/offboard-input.js';
import { seeded } from '../../../../src/sandbox/index.js';

const U = seeded.users;

export const meganAsDelegate: NonNullable<OffboardInput['delegate']> = {
  id: U.meganBowen,
  userPrincipalName: 'megan.bowen@contoso.com',
  displayName: 'Megan Bowen',
};

/** Adele's offboarding under `requestId`, with the default options overridden by `options`. */
export function adeleLeaving(
  requestId: string,
  options: Partial<OffboardInput['options']> = {},
  delegate: OffboardInput['delegate'] = null,
): OffboardInput {
  return {
    requestId,
    leaver: {
      id: U.adeleVance,
      userPrincipalName: 'adele.vance@contoso.com',
      displayName: 'Adele Vance',
      mail: 'adele.vance@contoso.com',
      isSynced: false,
    },
    delegate,
    requestedBy: 'Isaiah',
    options: { ...offboardOptionsSchema.parse({}), ...options },
    stamp: `Offboarded 2026-11-23 ${requestId}`,
  };
}
