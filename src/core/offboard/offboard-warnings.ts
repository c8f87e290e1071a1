/**
 * Things the plan can't do itself and must say: nothing is skipped silently.
 * Returned per step id so cards show them next to the step.
 */
import type { Ports } from '../ports/index.js';
import { wantsHold } from './mailbox-steps.js';
import { meetingWarnings } from './meeting-steps.js';
import type { OffboardInput, OffboardOptions } from './offboard-input.js';
import { oneDriveRetentionWarnings } from './onedrive-retention.js';
import { sharingLinkWarnings } from './sharing-link-steps.js';

export async function offboardWarnings(
  input: OffboardInput,
  ports: Pick<Ports, 'groups' | 'licences' | 'mailbox' | 'directory' | 'files' | 'meetings' | 'clock'>,
): Promise<Record<string, string[]>> {
  const warnings: Record<string, string[]> = {};
  const add = (stepId: string, text: string): void => {
    (warnings[stepId] ??= []).push(text);
  };
  const { leaver, options } = input;

  if (options.removeGroups) {
    const groups = await ports.groups.listMemberships(leaver.id);
    for (const g of groups) {
      if (g.isDynamic) {
        const rule = g.membershipRule === undefined ? '' : ` (rule: ${g.membershipRule})`;
        add(
          'entra.remove-groups',
          `${g.displayName} is dynamic${rule}: change the rule or the user's attributes`,
        );
      } else if (g.isSynced) {
        add(
          'entra.remove-groups',
          ports.directory && leaver.isSynced
            ? `${g.displayName} is synced from AD: removed in AD`
            : `${g.displayName} is synced from AD: remove the membership on-premises`,
        );
      }
      // Cloud distribution lists and mail-enabled security groups: exo.remove-distribution-groups.
    }
  }
  if (options.removeLicences) {
    const licences = await ports.licences.getLicences(leaver.id);
    for (const l of licences.filter((x) => x.assignedByGroup !== null)) {
      add(
        'entra.remove-licences',
        `${l.skuPartNumber ?? l.skuId} is inherited from a group: it goes with the group membership`,
      );
    }
  }
  if (wantsHold(options) && options.removeLicences) {
    add('exo.litigation-hold', 'A shared mailbox on litigation hold needs an Exchange Online Plan 2 licence');
  }
  for (const text of inactiveMailboxWarnings(options)) add('exo.litigation-hold', text);
  for (const text of await oneDriveRetentionWarnings(input, ports)) add('spo.grant-delegate', text);
  for (const text of await sharingLinkWarnings(input, ports)) add('spo.remove-anonymous-links', text);
  for (const text of await meetingWarnings(input, ports)) add('exo.cancel-meetings', text);
  if (leaver.isSynced && options.convertToShared) {
    add(
      'exo.convert-to-shared',
      'Synced user: also run Set-RemoteMailbox -Type Shared on-premises, or the conversion can be reverted',
    );
  }
  if (leaver.isSynced && !ports.directory) {
    add(
      'entra.block-sign-in',
      'Synced user and no AD connection: disable the account in AD too, or the next sync re-enables it',
    );
  }
  if (!input.delegate) {
    add('exo.grant-delegate', 'No delegate: nobody receives the mailbox or the OneDrive');
  }
  const mailbox = await ports.mailbox.getMailbox(leaver.mail ?? leaver.userPrincipalName);
  if (!mailbox) add('exo.convert-to-shared', 'The user has no Exchange Online mailbox');
  return warnings;
}

/** What the hold and a staged deletion mean for the mailbox, said on the card before Confirm. */
export function inactiveMailboxWarnings(options: OffboardOptions): string[] {
  if (options.keepInactiveMailbox) {
    return [
      options.deleteAfterDays === null
        ? 'Inactive mailbox: the mailbox becomes inactive only when the account is deleted (set "Delete the account after N days", or delete it later); until then it stays a held mailbox'
        : `Inactive mailbox: when the account is deleted after ${String(options.deleteAfterDays)} days, Exchange keeps the held mailbox as an inactive mailbox (searchable with eDiscovery, restorable) until the hold is removed`,
    ];
  }
  if (options.deleteAfterDays !== null && !options.litigationHold) {
    return [
      'No hold: deleting the account removes the mailbox for good 30 days later; turn on "Keep an inactive mailbox" to keep it',
    ];
  }
  return [];
}
