/**
 * Provisioning steps, in the order real tenants need: reactivate a rehire's account, set the usage
 * location (Graph refuses licences without one), assign licences, then wait for the mailbox.
 */
import { NotFoundError, UnavailableError } from '../errors.js';
import type { IdentityUser } from '../ports/identity.js';
import { fail, ok, type Step, type StepContext } from '../step.js';
import type { ProvisionInput, ProvisionLicence } from './provision-input.js';

type Ctx = StepContext<ProvisionInput>;

async function requireUser(ctx: Ctx): Promise<IdentityUser> {
  const user = await ctx.ports.users.getUser(ctx.input.user.id);
  if (!user) throw new NotFoundError(`User ${ctx.input.user.userPrincipalName} does not exist in Entra ID`);
  return user;
}

export const entraReactivateAccount: Step<ProvisionInput> = {
  id: 'entra.reactivate-account',
  system: 'entra',
  title: 'Reactivate the former account (rehire)',
  async plan(ctx) {
    if (!ctx.input.reactivate) return [];
    const user = await requireUser(ctx);
    if (user.accountEnabled) return [];
    return [
      {
        key: 'enable',
        description: `Enable sign-in for ${user.userPrincipalName}`,
        data: {},
        before: { accountEnabled: false },
      },
    ];
  },
  apply: (_change, ctx) => ctx.ports.accounts.setAccountEnabled(ctx.input.user.id, true),
  async verify(_changes, ctx) {
    const user = await requireUser(ctx);
    return user.accountEnabled ? ok() : fail('The account is still disabled');
  },
  undo: (_change, ctx) => ctx.ports.accounts.setAccountEnabled(ctx.input.user.id, false),
};

export const entraSetUsageLocation: Step<ProvisionInput> = {
  id: 'entra.set-usage-location',
  system: 'entra',
  title: 'Set the usage location',
  dependsOn: ['entra.reactivate-account'],
  async plan(ctx) {
    const wanted = ctx.input.usageLocation;
    if (!wanted) return [];
    const user = await requireUser(ctx);
    if (user.usageLocation?.toUpperCase() === wanted.value) return [];
    return [
      {
        key: `usage-location:${wanted.value}`,
        description: `Set usage location ${wanted.value} (from ${wanted.source})`,
        data: { countryCode: wanted.value },
        before: { usageLocation: user.usageLocation ?? null },
      },
    ];
  },
  apply: (change, ctx) =>
    ctx.ports.accounts.setUsageLocation(ctx.input.user.id, String(change.data['countryCode'])),
  async verify(changes, ctx) {
    const user = await requireUser(ctx);
    const wanted = changes[0]?.data['countryCode'];
    return user.usageLocation?.toUpperCase() === wanted
      ? ok()
      : fail(`Usage location is not ${String(wanted)}`);
  },
};

const licenceOf = (data: Record<string, unknown>): ProvisionLicence => data['licence'] as ProvisionLicence;

/**
 * Direct assignments of the mapped SKUs. A SKU the user already holds (directly or through a group) is
 * left alone: never duplicated, never removed; group-inherited ones are reported by the flow.
 */
export const entraAssignLicences: Step<ProvisionInput> = {
  id: 'entra.assign-licences',
  system: 'entra',
  title: 'Assign licences',
  dependsOn: ['entra.set-usage-location', 'entra.reactivate-account'],
  async plan(ctx) {
    if (ctx.input.licences.length === 0) return [];
    const held = new Set(
      (await ctx.ports.licences.getLicences(ctx.input.user.id)).map((l) => l.skuId.toLowerCase()),
    );
    return ctx.input.licences
      .filter((l) => !held.has(l.skuId.toLowerCase()))
      .map((licence) => ({
        key: `sku:${licence.skuId}`,
        description:
          `Assign ${licence.skuPartNumber}` +
          (licence.disabledPlanNames.length > 0 ? ` without ${licence.disabledPlanNames.join(', ')}` : ''),
        data: { licence },
      }));
  },
  apply: (change, ctx) => {
    const licence = licenceOf(change.data);
    return ctx.ports.licences.assignLicences(
      ctx.input.user.id,
      [{ skuId: licence.skuId, disabledPlans: licence.disabledPlans }],
      [],
    );
  },
  async verify(changes, ctx) {
    const held = new Set(
      (await ctx.ports.licences.getLicences(ctx.input.user.id)).map((l) => l.skuId.toLowerCase()),
    );
    const missing = changes.map((c) => licenceOf(c.data)).filter((l) => !held.has(l.skuId.toLowerCase()));
    return missing.length === 0
      ? ok()
      : fail(`Not assigned: ${missing.map((l) => l.skuPartNumber).join(', ')}`);
  },
  undo: (change, ctx) =>
    ctx.ports.licences.assignLicences(ctx.input.user.id, [], [licenceOf(change.data).skuId]),
};

/**
 * Mailbox readiness: Exchange Online creates the mailbox some minutes after an Exchange licence is
 * assigned. `apply` looks for it and, while it is missing, fails retryably with the configured poll
 * interval as Retry-After, so the runner waits and looks again within its attempt budget.
 */
export const exoCheckMailbox: Step<ProvisionInput> = {
  id: 'exo.check-mailbox',
  system: 'exchange',
  title: 'Check the mailbox is ready',
  dependsOn: ['entra.assign-licences'],
  async plan(ctx) {
    if (!ctx.input.mailbox.isExpected) return [];
    const mailbox = await ctx.ports.mailbox.getMailbox(ctx.input.user.userPrincipalName);
    if (mailbox) return [];
    return [{ key: 'mailbox', description: 'Wait for the Exchange Online mailbox', data: {} }];
  },
  async apply(_change, ctx) {
    const mailbox = await ctx.ports.mailbox.getMailbox(ctx.input.user.userPrincipalName);
    if (!mailbox) {
      throw new UnavailableError(
        `The mailbox of ${ctx.input.user.userPrincipalName} is not provisioned yet`,
        { retryAfterMs: ctx.input.mailbox.pollMs },
      );
    }
    return { primarySmtpAddress: mailbox.primarySmtpAddress };
  },
  async verify(_changes, ctx) {
    const mailbox = await ctx.ports.mailbox.getMailbox(ctx.input.user.userPrincipalName);
    return mailbox ? ok() : fail('The mailbox does not exist yet');
  },
};

export const provisionStepList: readonly Step<ProvisionInput>[] = [
  entraReactivateAccount,
  entraSetUsageLocation,
  entraAssignLicences,
  exoCheckMailbox,
];
