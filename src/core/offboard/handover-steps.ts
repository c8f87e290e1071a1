/**
 * What the leaver leaves behind in the directory: the people who report to them and the groups, Teams,
 * app registrations and service principals they own.
 */
import type { OwnedObject, OwnedObjectKind } from '../ports/ownership.js';
import { fail, ok, type Change, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;

const str = (change: Change, key: string): string => String(change.data[key]);

/** Direct reports move to the leaver's own manager; with no manager there is nobody to move them to. */
export const entraReassignReports: Step<OffboardInput> = {
  id: 'entra.reassign-reports',
  system: 'entra',
  title: "Move direct reports to the leaver's manager",
  async plan(ctx) {
    if (!ctx.input.options.reassignReports) return [];
    const leaverId = ctx.input.leaver.id;
    const manager = await ctx.ports.users.getManager(leaverId);
    if (!manager) return [];
    const reports = await ctx.ports.users.getDirectReports(leaverId);
    return reports
      .filter((r) => r.id !== manager.id)
      .map((r) => ({
        key: `report:${r.id}`,
        description: `${r.displayName} reports to ${manager.displayName} instead`,
        data: { reportId: r.id, managerId: manager.id },
        before: { managerId: leaverId },
        after: { managerId: manager.id },
      }));
  },
  apply: (change, ctx) => ctx.ports.orgChart.setManager(str(change, 'reportId'), str(change, 'managerId')),
  async verify(changes, ctx) {
    const wrong: string[] = [];
    for (const c of changes) {
      const manager = await ctx.ports.users.getManager(str(c, 'reportId'));
      if (manager?.id !== str(c, 'managerId')) wrong.push(str(c, 'reportId'));
    }
    return wrong.length === 0 ? ok() : fail(`${wrong.length} report(s) still have another manager`);
  },
  undo: (change, ctx) => {
    const before = change.before as { managerId: string };
    return ctx.ports.orgChart.setManager(str(change, 'reportId'), before.managerId);
  },
};

const kindName: Record<OwnedObjectKind, string> = {
  group: 'group',
  application: 'app registration',
  servicePrincipal: 'enterprise app',
};

function objectName(o: OwnedObject): string {
  return `${o.displayName} (${o.isTeam ? 'team' : kindName[o.kind]})`;
}

function ownerChange(op: 'add' | 'remove', o: OwnedObject, userId: string, description: string): Change {
  return {
    key: `${op}-owner:${o.kind}:${o.id}:${userId}`,
    description,
    data: { op, kind: o.kind, objectId: o.id, userId, displayName: o.displayName },
    before: { userId, isOwner: op !== 'add' },
    after: { userId, isOwner: op === 'add' },
  };
}

function applyOwnerChange(change: Change, ctx: Ctx, invert = false): Promise<void> {
  const kind = change.data['kind'] as OwnedObjectKind;
  const isAdd = (change.data['op'] === 'add') !== invert;
  const args = [kind, str(change, 'objectId'), str(change, 'userId')] as const;
  return isAdd ? ctx.ports.ownership.addOwner(...args) : ctx.ports.ownership.removeOwner(...args);
}

async function verifyOwnerChanges(changes: readonly Change[], ctx: Ctx) {
  const wrong: string[] = [];
  for (const c of changes) {
    const owners = await ctx.ports.ownership.listOwnerIds(
      c.data['kind'] as OwnedObjectKind,
      str(c, 'objectId'),
    );
    const isOwner = owners.includes(str(c, 'userId'));
    if (isOwner !== (c.data['op'] === 'add')) wrong.push(str(c, 'displayName'));
  }
  return wrong.length === 0 ? ok() : fail(`Ownership not handed over yet: ${wrong.join(', ')}`);
}

/**
 * Cloud groups and Teams the leaver owns. Where the leaver is the only owner, the delegate becomes an
 * owner first (a group without an owner can't be managed by its users); then the leaver stops being
 * one. Synced groups are owned in AD and are reported, not changed. Runs before the memberships go.
 */
export const entraHandOverGroups: Step<OffboardInput> = {
  id: 'entra.hand-over-groups',
  system: 'entra',
  title: 'Hand over the groups and Teams the leaver owns',
  async plan(ctx) {
    if (!ctx.input.options.handOverOwnership) return [];
    const leaverId = ctx.input.leaver.id;
    const delegate = ctx.input.delegate;
    const owned = (await ctx.ports.ownership.listOwnedObjects(leaverId)).filter(
      (o) => o.kind === 'group' && !o.isSynced,
    );
    const adds: Change[] = [];
    const removes: Change[] = [];
    for (const o of owned) {
      const owners = await ctx.ports.ownership.listOwnerIds('group', o.id);
      const others = owners.filter((id) => id !== leaverId);
      if (others.length === 0) {
        // Sole owner: without a delegate the leaver stays owner (reported), so the group keeps one.
        if (!delegate) continue;
        adds.push(
          ownerChange('add', o, delegate.id, `Make ${delegate.displayName} owner of ${objectName(o)}`),
        );
      }
      removes.push(ownerChange('remove', o, leaverId, `Remove the leaver as owner of ${objectName(o)}`));
    }
    // Every add comes before every remove: a group never drops to no owner.
    return [...adds, ...removes];
  },
  apply: (change, ctx) => applyOwnerChange(change, ctx),
  verify: verifyOwnerChanges,
  undo: (change, ctx) => applyOwnerChange(change, ctx, true),
};

/**
 * App registrations and service principals the leaver owns. An owner can add credentials to an app, so
 * making the delegate an owner is a choice (`appOwnership: 'add-delegate'`); by default they are only
 * reported on the card, for the app's administrators to decide.
 */
export const entraHandOverApps: Step<OffboardInput> = {
  id: 'entra.hand-over-apps',
  system: 'entra',
  title: 'Hand over the app registrations the leaver owns',
  async plan(ctx) {
    const delegate = ctx.input.delegate;
    if (ctx.input.options.appOwnership !== 'add-delegate' || !delegate) return [];
    const owned = (await ctx.ports.ownership.listOwnedObjects(ctx.input.leaver.id)).filter(
      (o) => o.kind !== 'group',
    );
    const changes: Change[] = [];
    for (const o of owned) {
      const owners = await ctx.ports.ownership.listOwnerIds(o.kind, o.id);
      if (owners.includes(delegate.id)) continue;
      changes.push(
        ownerChange('add', o, delegate.id, `Make ${delegate.displayName} owner of ${objectName(o)}`),
      );
    }
    return changes;
  },
  apply: (change, ctx) => applyOwnerChange(change, ctx),
  verify: verifyOwnerChanges,
  undo: (change, ctx) => applyOwnerChange(change, ctx, true),
};

/** What the ownership steps leave for people to decide, shown next to the steps on the cards. */
export async function ownershipWarnings(
  input: OffboardInput,
  ports: StepContext['ports'],
): Promise<Record<string, string[]>> {
  const { options, delegate, leaver } = input;
  if (!options.handOverOwnership && options.appOwnership !== 'report') return {};
  const owned = await ports.ownership.listOwnedObjects(leaver.id);
  const warnings: Record<string, string[]> = {};
  const add = (stepId: string, text: string): void => {
    (warnings[stepId] ??= []).push(text);
  };
  for (const o of owned) {
    if (o.kind === 'group') {
      if (!options.handOverOwnership) continue;
      if (o.isSynced) {
        add(entraHandOverGroups.id, `${objectName(o)} is synced from AD: change its owner on-premises`);
      } else if (!delegate) {
        const owners = await ports.ownership.listOwnerIds('group', o.id);
        if (owners.every((id) => id === leaver.id))
          add(entraHandOverGroups.id, `${objectName(o)} has no other owner and there is no delegate`);
      }
    } else if (options.appOwnership === 'report' || !delegate) {
      add(entraHandOverApps.id, `The leaver owns ${objectName(o)}: give it another owner`);
    }
  }
  return warnings;
}
