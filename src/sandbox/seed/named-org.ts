/**
 * The named seed organisation: fixed ids for the hard cases the product must handle. docs/sandbox.md lists
 * every user; tests and other components rely on these ids and UPNs, so change them only with the doc.
 */
import type { DriveItemRecord, SharingPermissionFlag } from '../state/exchange-types.js';
import type { Tenant } from '../state/tenant.js';
import { seedLeaverChecklist } from './checklist-seed.js';
import { makeDrive, makeGroup, makeMailbox, makeUser, seedTime } from './builders.js';
import { seeded } from './named-ids.js';
import { groups, people } from './named-people.js';

export { seeded } from './named-ids.js';

const U = seeded.users;
const G = seeded.groups;

export function seedNamedOrg(tenant: Tenant): void {
  const info = tenant.info;
  for (const p of people) {
    const user = makeUser(info, p);
    tenant.directory.addUser(user);
    if (p.mailbox !== false) tenant.exchange.addMailbox(makeMailbox(info, user, p.mailbox ?? {}));
    if (p.drive !== false && p.mailbox !== false) {
      const drive = makeDrive(info, user);
      const items = driveItemsOf[user.id];
      tenant.sharing.addDrive(items ? { ...drive, items } : drive);
    }
  }
  for (const spec of groups) {
    tenant.directory.addGroup(makeGroup(info, spec));
    for (const m of spec.members) tenant.directory.addMember(spec.id, m);
  }
  for (const d of [...tenant.sharing.drives()])
    tenant.sharing.setSiteAdmin(d.siteUrl, d.ownerUserId, true, true);
  seedMailboxRights(tenant);
  seedLeaverChecklist(tenant);
  seedSharingLinks(tenant);
  tenant.teams.addCatalogApp({
    id: seeded.teamsApp.catalogId,
    externalId: seeded.teamsApp.manifestId,
    displayName: 'Lifecycle',
    distributionMethod: 'organization',
    version: '1.0.0',
  });
}

/** Top-level OneDrive files of the leavers whose sharing links the offboarding reports. */
const driveItemsOf: Record<string, DriveItemRecord[]> = {
  [U.adeleVance]: [
    {
      id: seeded.driveItems.adeleForecast,
      name: 'Q4 Forecast.xlsx',
      isFolder: false,
      createdDateTime: seedTime,
    },
    {
      id: seeded.driveItems.adelePlaybook,
      name: 'Retail Playbook.docx',
      isFolder: false,
      createdDateTime: seedTime,
    },
  ],
};

/** Adele shared one file with anyone (anonymous link) and one with the organisation. */
function seedSharingLinks(tenant: Tenant): void {
  const drive = tenant.sharing.driveOfUser(U.adeleVance);
  if (!drive) return;
  const link = (scope: 'anonymous' | 'organization', type: 'view' | 'edit') =>
    ({ kind: 'link', scope, type, createdByUserId: U.adeleVance }) as const;
  tenant.sharing.grant(
    drive.id,
    seeded.driveItems.adeleForecast,
    link('anonymous', 'view'),
    ['read'],
    null,
    false,
  );
  tenant.sharing.grant(
    drive.id,
    seeded.driveItems.adelePlaybook,
    link('organization', 'edit'),
    ['write'],
    null,
    false,
  );
}

function seedMailboxRights(tenant: Tenant): void {
  const x = tenant.exchange;
  /** The recipient's entry on the mailbox's default calendar. */
  const shareCalendar = (
    mailbox: string,
    recipientId: string,
    role: string,
    flags: SharingPermissionFlag[] = [],
  ): void => {
    x.setFolderPermission(mailbox, { kind: 'recipient', recipientId }, [role], flags);
  };
  for (const m of [...x.mailboxes()])
    x.setFolderPermission(m.userId, { kind: 'default' }, ['AvailabilityOnly'], []);
  // Adele (cloud-only leaver): FullAccess on two user mailboxes and two shared mailboxes, SendAs on one,
  // SendOnBehalf on one, Editor delegate on Johanna's localized 'Kalender'.
  for (const mbx of [U.meganBowen, U.diegoSiciliani, U.support, U.billing])
    x.grantRight('FullAccess', mbx, U.adeleVance);
  x.grantRight('SendAs', U.support, U.adeleVance);
  x.grantRight('SendOnBehalf', U.meganBowen, U.adeleVance);
  shareCalendar(U.johannaLorenz, U.adeleVance, 'Editor', ['Delegate']);
  shareCalendar(U.isabelleDubois, U.adeleVance, 'Reviewer');
  // Shared mailboxes with the other kinds of rights.
  for (const t of [U.diegoSiciliani, U.isaiahLanger]) x.grantRight('FullAccess', U.support, t);
  x.grantRight('SendOnBehalf', U.support, U.nestorWilke);
  shareCalendar(U.support, U.meganBowen, 'Reviewer');
  x.grantRight('FullAccess', U.billing, U.meganBowen);
  x.grantRight('SendAs', U.billing, U.meganBowen);
  for (const t of [U.saraDavis, U.lynneRobbins, G.financeMailSecurity])
    x.grantRight('FullAccess', U.finance, t);
  x.grantRight('SendAs', U.finance, U.lynneRobbins);
  x.grantRight('SendOnBehalf', U.finance, U.gradyArchie);
  shareCalendar(U.finance, U.pradeepGupta, 'Editor', ['Delegate']);
  // Grady (synced leaver) and Pradeep (leaver whose manager also leaves) hold rights too.
  x.grantRight('FullAccess', U.leeGu, U.gradyArchie);
  x.grantRight('FullAccess', U.saraDavis, U.pradeepGupta);
  x.grantRight('SendOnBehalf', U.saraDavis, U.lynneRobbins);
}
