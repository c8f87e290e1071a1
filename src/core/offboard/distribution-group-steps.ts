/**
 * Distribution lists and mail-enabled security groups: Graph can't change their membership, Exchange can
 * (Remove-DistributionGroupMember). Synced groups are changed in AD and dynamic groups only reported with
 * their rule (`offboardWarnings`), so neither is planned here.
 */
import type { GroupMembership } from '../ports/groups.js';
import { fail, ok, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;

/** Cloud distribution lists and mail-enabled security groups Exchange can change. */
export function isExchangeManagedGroup(g: GroupMembership): boolean {
  return g.isMailEnabled && !g.isDynamic && !g.isSynced;
}

/** How the leaver is named to Exchange as a member. */
const memberOf = (ctx: Ctx): string => ctx.input.leaver.mail ?? ctx.input.leaver.userPrincipalName;

export const exoRemoveDistributionGroups: Step<OffboardInput> = {
  id: 'exo.remove-distribution-groups',
  system: 'exchange',
  title: 'Remove distribution list memberships',
  async plan(ctx) {
    if (!ctx.input.options.removeGroups) return [];
    const groups = await ctx.ports.groups.listMemberships(ctx.input.leaver.id);
    return groups.filter(isExchangeManagedGroup).map((g) => ({
      key: `group:${g.id}`,
      description: `Remove from ${g.displayName} (${g.kind === 'distribution' ? 'distribution list' : 'mail-enabled security group'})`,
      // The group's address when it has one, else its object id: both are Exchange identities.
      data: { groupId: g.id, group: g.mail ?? g.id, displayName: g.displayName },
      before: { groupId: g.id, isMember: true },
      after: { groupId: g.id, isMember: false },
    }));
  },
  apply: (change, ctx) =>
    ctx.ports.mailbox.removeDistributionGroupMember(String(change.data['group']), memberOf(ctx)),
  async verify(changes, ctx) {
    const groups = await ctx.ports.groups.listMemberships(ctx.input.leaver.id);
    const ids = new Set(groups.map((g) => g.id));
    const left = changes.filter((c) => ids.has(String(c.data['groupId'])));
    return left.length === 0
      ? ok()
      : fail(
          `Still a member of ${String(left.length)} distribution list(s) (changes can take minutes to show)`,
        );
  },
  undo: (change, ctx) =>
    ctx.ports.mailbox.addDistributionGroupMember(String(change.data['group']), memberOf(ctx)),
};
