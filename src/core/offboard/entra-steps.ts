/** Entra ID steps: sign-in, sessions, password, cloud groups, licences, deletion. */
import { NotFoundError } from '../errors.js';
import type { IdentityUser } from '../ports/identity.js';
import { fail, ok, type Change, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;

async function requireUser(ctx: Ctx): Promise<IdentityUser> {
  const user = await ctx.ports.users.getUser(ctx.input.leaver.id);
  if (!user)
    throw new NotFoundError(`User ${ctx.input.leaver.userPrincipalName} no longer exists in Entra ID`);
  return user;
}

/** Cloud-only users get a random password; synced users get theirs in AD. Runs before the block. */
export const entraResetPassword: Step<OffboardInput> = {
  id: 'entra.reset-password',
  system: 'entra',
  title: 'Set a random password',
  async plan(ctx) {
    const user = await requireUser(ctx);
    if (user.isSynced || !user.accountEnabled) return [];
    return [{ key: 'password', description: 'Set a random password', data: {} }];
  },
  apply: (_change, ctx) => ctx.ports.accounts.resetPassword(ctx.input.leaver.id),
  verify: () => Promise.resolve(ok()),
};

/**
 * Block sign-in. For synced users Entra accepts the change too (immediate effect); AD stays the source
 * of authority, so the AD disable runs first and this one follows it.
 */
export const entraBlockSignIn: Step<OffboardInput> = {
  id: 'entra.block-sign-in',
  system: 'entra',
  title: 'Block sign-in',
  dependsOn: ['entra.reset-password'],
  async plan(ctx) {
    const user = await requireUser(ctx);
    if (!user.accountEnabled) return [];
    return [
      {
        key: 'block',
        description: 'Set accountEnabled to false',
        data: {},
        before: { accountEnabled: true },
      },
    ];
  },
  apply: (_change, ctx) => ctx.ports.accounts.setAccountEnabled(ctx.input.leaver.id, false),
  async verify(_changes, ctx) {
    const user = await requireUser(ctx);
    return user.accountEnabled ? fail('Sign-in is still allowed') : ok();
  },
  undo: (_change, ctx) => ctx.ports.accounts.setAccountEnabled(ctx.input.leaver.id, true),
};

export const entraRevokeSessions: Step<OffboardInput> = {
  id: 'entra.revoke-sessions',
  system: 'entra',
  title: 'Revoke sign-in sessions',
  dependsOn: ['entra.block-sign-in'],
  plan: () =>
    Promise.resolve([
      { key: 'revoke', description: 'Invalidate refresh tokens and session cookies', data: {} },
    ]),
  apply: (_change, ctx) => ctx.ports.accounts.revokeSignInSessions(ctx.input.leaver.id),
  verify: () => Promise.resolve(ok()),
};

/**
 * Cloud group memberships. Dynamic groups can't be changed, synced groups are changed in AD and
 * mail-enabled groups in Exchange: they are reported as warnings by `planWarnings`, never skipped silently.
 */
export const entraRemoveGroups: Step<OffboardInput> = {
  id: 'entra.remove-groups',
  system: 'entra',
  title: 'Remove cloud group memberships',
  async plan(ctx) {
    if (!ctx.input.options.removeGroups) return [];
    const groups = await ctx.ports.groups.listMemberships(ctx.input.leaver.id);
    return groups
      .filter((g) => !g.isDynamic && !g.isSynced && !g.isMailEnabled)
      .map((g) => ({
        key: `group:${g.id}`,
        description: `Remove from ${g.displayName}${g.isTeam ? ' (team)' : ''}`,
        data: { groupId: g.id, displayName: g.displayName },
      }));
  },
  apply: (change, ctx) =>
    ctx.ports.groups.removeGroupMember(String(change.data['groupId']), ctx.input.leaver.id),
  async verify(changes, ctx) {
    const groups = await ctx.ports.groups.listMemberships(ctx.input.leaver.id);
    const ids = new Set(groups.map((g) => g.id));
    const left = changes.filter((c) => ids.has(String(c.data['groupId'])));
    return left.length === 0 ? ok() : fail(`Still a member of ${left.length} group(s)`);
  },
  undo: (change, ctx) => ctx.ports.groups.addGroupMember(String(change.data['groupId']), ctx.input.leaver.id),
};

/** Direct licences only; group-inherited ones are reported (they go when the group membership goes). */
export const entraRemoveLicences: Step<OffboardInput> = {
  id: 'entra.remove-licences',
  system: 'entra',
  title: 'Remove licences',
  async plan(ctx) {
    if (!ctx.input.options.removeLicences) return [];
    const licences = await ctx.ports.licences.getLicences(ctx.input.leaver.id);
    return licences
      .filter((l) => l.assignedByGroup === null)
      .map((l) => ({
        key: `sku:${l.skuId}`,
        description: `Remove ${l.skuPartNumber ?? l.skuId}`,
        data: { skuId: l.skuId },
        before: { skuId: l.skuId, disabledPlans: l.disabledPlans },
      }));
  },
  apply: (change, ctx) =>
    ctx.ports.licences.assignLicences(ctx.input.leaver.id, [], [String(change.data['skuId'])]),
  async verify(changes, ctx) {
    const licences = await ctx.ports.licences.getLicences(ctx.input.leaver.id);
    const direct = new Set(licences.filter((l) => l.assignedByGroup === null).map((l) => l.skuId));
    const left = changes.filter((c) => direct.has(String(c.data['skuId'])));
    return left.length === 0 ? ok() : fail(`${left.length} licence(s) still assigned`);
  },
  undo: (change: Change, ctx) => {
    const before = change.before as { skuId: string; disabledPlans: string[] };
    return ctx.ports.licences.assignLicences(ctx.input.leaver.id, [before], []);
  },
};
