/**
 * On-premises AD steps, used when the leaver is synced from AD. AD is the source of authority for
 * synced users: blocking sign-in in Entra alone would be reverted by the next sync.
 */
import { isSameDn, parentDn } from '../directory/dn.js';
import { InvalidInputError, NotFoundError } from '../errors.js';
import type { DirectoryAccount, Directory } from '../ports/directory.js';
import { fail, ok, type Change, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;

function directoryOf(ctx: Ctx): Directory {
  const directory = ctx.ports.directory;
  if (!directory) throw new NotFoundError('No on-premises directory is configured');
  return directory;
}

async function findAccount(ctx: Ctx): Promise<DirectoryAccount | null> {
  const { leaver } = ctx.input;
  const directory = directoryOf(ctx);
  if (leaver.onPremisesSamAccountName) {
    return directory.findUser({ sAMAccountName: leaver.onPremisesSamAccountName });
  }
  return directory.findUser({ userPrincipalName: leaver.userPrincipalName });
}

async function requireAccount(ctx: Ctx): Promise<DirectoryAccount> {
  const account = await findAccount(ctx);
  if (!account) throw new NotFoundError(`No AD account found for ${ctx.input.leaver.userPrincipalName}`);
  return account;
}

const dnOf = (change: Change): string => String(change.data['dn']);

/** Reset first, disable second: an in-doubt reset is re-planned while the account is still enabled. */
export const adResetPassword: Step<OffboardInput> = {
  id: 'ad.reset-password',
  system: 'ad',
  title: 'Set a random AD password',
  async plan(ctx) {
    const account = await requireAccount(ctx);
    if (!account.isEnabled) return [];
    return [
      {
        key: 'password',
        description: `Set a random password on ${account.sAMAccountName}`,
        data: { dn: account.dn },
      },
    ];
  },
  apply: (change, ctx) => directoryOf(ctx).setRandomPassword(dnOf(change)),
  verify: () => Promise.resolve(ok()),
};

export const adDisableAccount: Step<OffboardInput> = {
  id: 'ad.disable-account',
  system: 'ad',
  title: 'Disable the AD account',
  dependsOn: ['ad.reset-password'],
  async plan(ctx) {
    const account = await requireAccount(ctx);
    if (!account.isEnabled) return [];
    return [
      {
        key: 'disable',
        description: `Disable ${account.sAMAccountName} (keep the other userAccountControl flags)`,
        data: { dn: account.dn },
        before: { userAccountControl: account.userAccountControl },
      },
    ];
  },
  apply: (change, ctx) => directoryOf(ctx).disable(dnOf(change)),
  async verify(_changes, ctx) {
    const account = await findAccount(ctx);
    return account && !account.isEnabled ? ok() : fail('The AD account is still enabled');
  },
  undo: (change, ctx) => directoryOf(ctx).enable(dnOf(change)),
};

export const adStampDescription: Step<OffboardInput> = {
  id: 'ad.stamp-description',
  system: 'ad',
  title: 'Stamp the AD description',
  async plan(ctx) {
    const account = await requireAccount(ctx);
    if (account.description === ctx.input.stamp) return [];
    return [
      {
        key: 'description',
        description: `Set description to "${ctx.input.stamp}"`,
        data: { dn: account.dn },
        before: { description: account.description ?? null },
      },
    ];
  },
  apply: (change, ctx) => directoryOf(ctx).stamp(dnOf(change), { description: ctx.input.stamp }),
  async verify(_changes, ctx) {
    const account = await findAccount(ctx);
    return account?.description === ctx.input.stamp ? ok() : fail('The description was not stamped');
  },
  undo: (change, ctx) => {
    const before = change.before as { description: string | null } | undefined;
    return directoryOf(ctx).stamp(dnOf(change), { description: before?.description ?? '' });
  },
};

export const adHideFromAddressLists: Step<OffboardInput> = {
  id: 'ad.hide-from-address-lists',
  system: 'ad',
  title: 'Hide from address lists (AD)',
  async plan(ctx) {
    if (!ctx.input.options.hideFromAddressLists) return [];
    const account = await requireAccount(ctx);
    if (account.isHiddenFromAddressLists) return [];
    return [{ key: 'hide', description: 'Set msExchHideFromAddressLists', data: { dn: account.dn } }];
  },
  apply: (change, ctx) => directoryOf(ctx).setHiddenFromAddressLists(dnOf(change), true),
  async verify(_changes, ctx) {
    const account = await findAccount(ctx);
    return account?.isHiddenFromAddressLists ? ok() : fail('Still visible in address lists');
  },
  undo: (change, ctx) => directoryOf(ctx).setHiddenFromAddressLists(dnOf(change), false),
};

export const adRemoveGroups: Step<OffboardInput> = {
  id: 'ad.remove-groups',
  system: 'ad',
  title: 'Remove AD group memberships',
  async plan(ctx) {
    if (!ctx.input.options.removeGroups) return [];
    const account = await requireAccount(ctx);
    return account.memberOf.map((groupDn) => ({
      key: `group:${groupDn.toLowerCase()}`,
      description: `Remove from ${groupDn}`,
      data: { dn: account.dn, groupDn },
    }));
  },
  apply: (change, ctx) => directoryOf(ctx).removeFromGroup(dnOf(change), String(change.data['groupDn'])),
  async verify(changes, ctx) {
    const account = await findAccount(ctx);
    const remaining = new Set(account?.memberOf.map((g) => g.toLowerCase()) ?? []);
    const left = changes.filter((c) => remaining.has(String(c.data['groupDn']).toLowerCase()));
    return left.length === 0 ? ok() : fail(`Still a member of ${left.length} AD group(s)`);
  },
  undo: (change, ctx) => directoryOf(ctx).addToGroup(dnOf(change), String(change.data['groupDn'])),
};

/**
 * Last of all: moving a synced user out of the sync scope deletes the cloud user and its mailbox,
 * so every cloud step must have finished (see `offboardSteps`). Parent OUs are taken with the RFC 4514
 * parser: AD names such as `CN=Lovelace\, Ada` hold escaped commas.
 */
export const adMoveToDisabledOu: Step<OffboardInput> = {
  id: 'ad.move-to-disabled-ou',
  system: 'ad',
  title: 'Move to the Disabled OU',
  async plan(ctx) {
    const target = ctx.input.disabledOuDn;
    if (!target) return [];
    const account = await requireAccount(ctx);
    const parent = parentDn(account.dn);
    if (isSameDn(parent, target)) return [];
    return [
      {
        key: 'move',
        description: `Move to ${target}`,
        data: { dn: account.dn, target },
        before: { parentDn: parent },
      },
    ];
  },
  apply: (change, ctx) => directoryOf(ctx).move(dnOf(change), String(change.data['target'])),
  async verify(_changes, ctx) {
    const target = ctx.input.disabledOuDn;
    if (!target) return ok();
    const account = await findAccount(ctx);
    return account && isSameDn(parentDn(account.dn), target)
      ? ok()
      : fail('The account is not in the Disabled OU');
  },
  /**
   * Back to the OU recorded at plan time. The account is looked up again: the move changed its DN.
   * Back in sync scope, the next sync restores the soft-deleted cloud user (Entra keeps it 30 days).
   */
  async undo(change, ctx) {
    const original = (change.before as { parentDn?: unknown } | undefined)?.parentDn;
    if (typeof original !== 'string') {
      throw new InvalidInputError('The move has no recorded original OU to return the account to');
    }
    const account = await requireAccount(ctx);
    if (isSameDn(parentDn(account.dn), original)) return;
    await directoryOf(ctx).move(account.dn, original);
  },
};
