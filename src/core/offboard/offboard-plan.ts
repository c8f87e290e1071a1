/**
 * The offboarding plan: which steps run, in which order. The order is the one real tenants need:
 * AD first for synced users, the mailbox converted to shared before licences go, licences last, and
 * the AD move (which can take the user out of sync scope) after everything else.
 */
import type { Ports } from '../ports/index.js';
import type { Step } from '../step.js';
import {
  adDisableAccount,
  adHideFromAddressLists,
  adMoveToDisabledOu,
  adRemoveGroups,
  adResetPassword,
  adStampDescription,
} from './ad-steps.js';
import {
  entraBlockSignIn,
  entraRemoveGroups,
  entraRemoveLicences,
  entraResetPassword,
  entraRevokeSessions,
} from './entra-steps.js';
import {
  exoAutoReply,
  exoConvertToShared,
  exoForwarding,
  exoGrantDelegate,
  exoHideFromAddressLists,
  exoLitigationHold,
} from './mailbox-steps.js';
import { exoRemoveDistributionGroups } from './distribution-group-steps.js';
import { exoCancelMeetings } from './meeting-steps.js';
import { entraDisableDevices, intuneRetireDevices, intuneWipeDevices } from './device-steps.js';
import { entraHandOverApps, entraHandOverGroups, entraReassignReports } from './handover-steps.js';
import { exoBlockMailClients, exoRemoveMobileDevices } from './mail-client-steps.js';
import { notifyDelegate } from './notice-step.js';
import type { OffboardInput } from './offboard-input.js';
import { spoGrantDelegate } from './onedrive-steps.js';
import { entraRemoveSignInMethods } from './sign-in-method-steps.js';
import { spoRemoveAnonymousLinks } from './sharing-link-steps.js';

/** On-premises AD steps for synced leavers, except the final move out of sync scope. */
const adSteps: readonly Step<OffboardInput>[] = [
  adResetPassword,
  adDisableAccount,
  adStampDescription,
  adHideFromAddressLists,
  adRemoveGroups,
];
/** The leaver's own mailbox. */
const mailboxSteps: readonly Step<OffboardInput>[] = [
  exoCancelMeetings,
  exoGrantDelegate,
  exoConvertToShared,
  exoLitigationHold,
  exoForwarding,
  exoAutoReply,
  exoHideFromAddressLists,
];
/**
 * The mailbox steps new plans use: hiding and forwarding are changes of `exo.convert-to-shared`, made in
 * the same Set-Mailbox call; their own steps stay in the catalogue for runs planned with them.
 */
const mailboxPlanSteps = mailboxSteps.filter((s) => s !== exoHideFromAddressLists && s !== exoForwarding);
/**
 * Leaver-checklist steps: devices and mail clients (no dependencies, so they start at once), sign-in
 * methods, ownership, reporting lines.
 */
const checklistSteps: readonly Step<OffboardInput>[] = [
  intuneRetireDevices,
  intuneWipeDevices,
  entraDisableDevices,
  exoBlockMailClients,
  exoRemoveMobileDevices,
  entraRemoveSignInMethods,
  entraHandOverGroups,
  entraHandOverApps,
  entraReassignReports,
];

/**
 * Every step an offboarding can plan, besides the revoke steps it borrows from the revoke flow. The
 * flow declares these (and the registry gives them to the runner); `offboardSteps` picks from them.
 */
export const offboardStepCatalog: readonly Step<OffboardInput>[] = [
  ...adSteps,
  adMoveToDisabledOu,
  entraResetPassword,
  entraBlockSignIn,
  entraRevokeSessions,
  ...mailboxSteps,
  spoGrantDelegate,
  ...checklistSteps,
  spoRemoveAnonymousLinks,
  entraRemoveGroups,
  exoRemoveDistributionGroups,
  entraRemoveLicences,
  notifyDelegate,
];

/** A copy of `step` whose dependencies are exactly `dependsOn` (filtered to the steps in the plan). */
function after<T>(step: Step<T>, dependsOn: readonly string[]): Step<T> {
  return { ...step, dependsOn: [...new Set([...(step.dependsOn ?? []), ...dependsOn])] };
}

export interface OffboardPlanOptions {
  /** Steps of the revoke flow (the leaver's rights on other mailboxes), when that option is on. */
  revokeSteps?: readonly Step<OffboardInput>[];
}

export function offboardSteps(
  input: OffboardInput,
  ports: Pick<Ports, 'directory'>,
  options: OffboardPlanOptions = {},
): Step<OffboardInput>[] {
  const isAdInScope = input.leaver.isSynced && ports.directory !== undefined;
  // Ownership is handed over before any membership goes (a sole owner removed first leaves the group
  // ownerless).
  const handOver = [entraHandOverGroups.id];
  const ad = isAdInScope ? adSteps.map((s) => (s === adRemoveGroups ? after(s, handOver) : s)) : [];
  const signIn = [
    entraResetPassword,
    after(entraBlockSignIn, isAdInScope ? [adDisableAccount.id] : []),
    entraRevokeSessions,
  ];
  const revoke = input.options.revokeMailboxRights ? [...(options.revokeSteps ?? [])] : [];
  const beforeLicences = [
    ...mailboxPlanSteps,
    ...revoke,
    spoGrantDelegate,
    exoRemoveDistributionGroups,
    ...checklistSteps,
    spoRemoveAnonymousLinks,
  ].map((s) => s.id);
  // Hold before the conversion: a hold that can't be placed blocks the conversion and, through it, the
  // licence removal, so the data is never left unheld and unlicensed. Meetings are cancelled while the
  // mailbox is still the user's own and licensed (the cancellations are sent from it).
  const mailbox = mailboxPlanSteps.map((s) =>
    s.id === exoConvertToShared.id ? after(s, [exoLitigationHold.id, exoCancelMeetings.id]) : s,
  );
  const steps: Step<OffboardInput>[] = [
    ...ad,
    ...signIn,
    ...mailbox,
    ...revoke,
    spoGrantDelegate,
    ...checklistSteps,
    spoRemoveAnonymousLinks,
    // Distribution lists go with the other memberships, through Exchange.
    after(entraRemoveGroups, handOver),
    after(exoRemoveDistributionGroups, handOver),
    after(entraRemoveLicences, beforeLicences),
    after(notifyDelegate, [exoGrantDelegate.id, exoConvertToShared.id, spoGrantDelegate.id]),
  ];
  if (isAdInScope) {
    steps.push(
      after(
        adMoveToDisabledOu,
        steps.map((s) => s.id),
      ),
    );
  }
  const ids = new Set(steps.map((s) => s.id));
  return steps.map((s) => ({ ...s, dependsOn: (s.dependsOn ?? []).filter((d) => ids.has(d)) }));
}
