/**
 * The attributes of a user that an offboarding changes and its undo puts back, read from the simulated
 * tenant's state, to compare a user after an undo with the state recorded before the offboarding.
 */
import type { Sandbox } from '../../src/sandbox/index.js';

/** Records the simulated tenant keeps after a removal (until reads stop seeing them) are gone. */
const isLive = (r: { hiddenFrom?: number | null }): boolean =>
  r.hiddenFrom === null || r.hiddenFrom === undefined;
const sorted = <T>(items: T[]): T[] =>
  items
    .map((i) => JSON.stringify(i))
    .sort()
    .map((i) => JSON.parse(i) as T);

const instantOf = (d: { dateTime: string; timeZone: string } | null | undefined) =>
  d ? { at: Date.parse(`${d.dateTime.replace(/Z$/, '')}Z`), timeZone: d.timeZone } : null;

/**
 * Every attribute of a user that an offboarding changes and its undo puts back, read from the simulated
 * tenant's state: sign-in, licences, groups, manager and reports, mailbox type and settings, rights on
 * the mailbox (the delegate's FullAccess) and held on other mailboxes, OneDrive admins, owners of what
 * the user owned, registered devices, mail protocols.
 */
export function undoableState(sandbox: Sandbox, userId: string, ownedIds: readonly string[]) {
  const s = sandbox.state;
  const user = s.directory.getUser(userId);
  const mailbox = s.exchange.getMailbox(userId);
  const drive = s.sharing.driveOfUser(userId);
  return {
    accountEnabled: user?.accountEnabled,
    licences: sorted(
      (user?.assignedLicenses ?? []).map((l) => ({
        skuId: l.skuId,
        disabledPlans: [...l.disabledPlans].sort(),
      })),
    ),
    groups: [...s.directory.memberOf(userId)].sort(),
    managerId: user?.managerId ?? null,
    directReports: s.directory
      .directReports(userId)
      .map((r) => r.id)
      .sort(),
    mailbox: mailbox && {
      recipientTypeDetails: mailbox.recipientTypeDetails,
      litigationHold: mailbox.litigationHold.enabled,
      hiddenFromAddressListsEnabled: mailbox.hiddenFromAddressListsEnabled,
      forwardingAddress: mailbox.forwardingAddress,
      forwardingSmtpAddress: mailbox.forwardingSmtpAddress,
      deliverToMailboxAndForward: mailbox.deliverToMailboxAndForward,
      // The same instant, however the service prints its fraction of a second.
      automaticReplies: {
        ...mailbox.automaticReplies,
        scheduledStartDateTime: instantOf(mailbox.automaticReplies.scheduledStartDateTime),
        scheduledEndDateTime: instantOf(mailbox.automaticReplies.scheduledEndDateTime),
      },
    },
    rightsOnMailbox: sorted(
      s.exchange
        .rightsOn(userId)
        .filter(isLive)
        .map((r) => ({ kind: r.kind, trustee: r.trusteeId })),
    ),
    rightsHeld: sorted(
      s.exchange
        .rightsHeldBy(userId)
        .filter(isLive)
        .map((r) => ({ kind: r.kind, mailbox: r.mailboxId })),
    ),
    calendarPermissionsHeld: sorted(
      s.exchange
        .folderPermissionsHeldBy(userId)
        .filter(isLive)
        .map((p) => ({
          mailbox: p.mailboxId,
          folder: p.folder,
          rights: p.accessRights,
          flags: p.sharingPermissionFlags,
        })),
    ),
    oneDriveAdmins: drive
      ? sorted(
          s.sharing
            .siteAdmins(drive.siteUrl)
            .filter(isLive)
            .map((a) => ({ userId: a.userId, isPrimaryOwner: a.isPrimaryOwner })),
        )
      : [],
    owners: Object.fromEntries(ownedIds.map((id) => [id, [...s.checklist.ownerIds(id)].sort()])),
    registeredDevices: sorted(
      s.checklist.registeredDevicesOf(userId).map((d) => ({ id: d.id, enabled: d.accountEnabled })),
    ),
    mailProtocols: s.checklist.casSettings(userId),
  };
}
export type UndoableState = ReturnType<typeof undoableState>;

export function changedAttributes(a: UndoableState, b: UndoableState): string[] {
  return (Object.keys(a) as (keyof UndoableState)[]).filter(
    (k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]),
  );
}
