/**
 * The containment plan: the offboarding steps that cut a user off, all started at once. Revoking the
 * sessions leads (it needs no read before it); the sign-in methods go once the sessions are revoked
 * (a removed method must not leave a live session able to register a new one); AD keeps its own
 * order (password, then disable). Nothing else waits: Entra applies a block of a synced user at once,
 * and AD, Exchange, Intune and the other mailboxes are independent systems.
 */
import { adDisableAccount, adResetPassword } from '../offboard/ad-steps.js';
import { intuneRetireDevices, intuneWipeDevices } from '../offboard/device-steps.js';
import { entraBlockSignIn, entraResetPassword, entraRevokeSessions } from '../offboard/entra-steps.js';
import { exoBlockMailClients } from '../offboard/mail-client-steps.js';
import type { OffboardInput } from '../offboard/offboard-input.js';
import { entraRemoveSignInMethods } from '../offboard/sign-in-method-steps.js';
import type { Ports } from '../ports/index.js';
import type { Step } from '../step.js';

/** The step objects a containment may plan (the offboarding's own; the revoke steps come on top). */
export const containStepCatalog: readonly Step<OffboardInput>[] = [
  entraRevokeSessions,
  entraBlockSignIn,
  entraResetPassword,
  adResetPassword,
  adDisableAccount,
  entraRemoveSignInMethods,
  exoBlockMailClients,
  intuneRetireDevices,
  intuneWipeDevices,
];

const withDependencies = <T>(step: Step<T>, dependsOn: readonly string[]): Step<T> => ({
  ...step,
  dependsOn: [...dependsOn],
});

/**
 * The steps of one containment, in start order. `revokeSteps` remove the user's rights on other
 * mailboxes (the revoke flow's steps, planned from the stored inventory and read back per mailbox).
 */
export function containSteps(
  input: OffboardInput,
  ports: Pick<Ports, 'directory'>,
  revokeSteps: readonly Step<OffboardInput>[],
): Step<OffboardInput>[] {
  const isAdInScope = input.leaver.isSynced && ports.directory !== undefined;
  const steps: Step<OffboardInput>[] = [
    withDependencies(entraRevokeSessions, []),
    withDependencies(entraBlockSignIn, []),
    withDependencies(entraResetPassword, []),
    ...(isAdInScope
      ? [withDependencies(adResetPassword, []), withDependencies(adDisableAccount, [adResetPassword.id])]
      : []),
    withDependencies(exoBlockMailClients, []),
    withDependencies(intuneRetireDevices, []),
    ...(input.options.wipeCorporateDevices ? [withDependencies(intuneWipeDevices, [])] : []),
    ...revokeSteps.map((s) => withDependencies(s, [])),
    withDependencies(entraRemoveSignInMethods, [entraRevokeSessions.id]),
  ];
  return steps;
}
