/**
 * The delegation expiry stage: the delegate's access to the leaver's mailbox (FullAccess, SendAs,
 * SendOnBehalf) and OneDrive (site collection admin) ends. These steps run in a run of their own, days
 * after the offboarding run, on the same input; they plan from live state, so access granted by hand
 * after the offboarding ends too, and a delegate who no longer has access is "nothing to do".
 */
import type { MailboxInfo } from '../ports/mailbox.js';
import { fail, ok, type Change, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;
type Permission = 'FullAccess' | 'SendAs' | 'SendOnBehalf';

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const leaverMailboxId = (ctx: Ctx): string => ctx.input.leaver.mail ?? ctx.input.leaver.userPrincipalName;

function isDelegate(trustee: string, ctx: Ctx): boolean {
  const d = ctx.input.delegate;
  if (!d) return false;
  return [d.userPrincipalName, d.mail, d.id].some((v) => v !== undefined && same(v, trustee));
}

/** Whether `name` (as Exchange reports a mailbox) is the leaver's mailbox. */
function isLeaverMailbox(name: string, mailbox: MailboxInfo): boolean {
  return [mailbox.primarySmtpAddress, mailbox.userPrincipalName, mailbox.id].some(
    (v) => v !== undefined && same(v, name),
  );
}

/** The delegate's rights on the leaver's mailbox, now. */
async function delegateRights(ctx: Ctx): Promise<{ permission: Permission; trustee: string }[]> {
  const delegate = ctx.input.delegate;
  if (!delegate) return [];
  const mailbox = await ctx.ports.mailbox.getMailbox(leaverMailboxId(ctx));
  if (!mailbox) return [];
  const [fullAccess, sendAs, sendOnBehalf] = await Promise.all([
    ctx.ports.mailbox.listFullAccess(mailbox.primarySmtpAddress),
    ctx.ports.mailbox.listSendAsByTrustee(delegate.userPrincipalName),
    ctx.ports.mailbox.listSendOnBehalfByTrustee(delegate.userPrincipalName),
  ]);
  const rights: { permission: Permission; trustee: string }[] = [];
  for (const g of fullAccess) {
    if (!g.isDeny && !g.isInherited && isDelegate(g.trustee, ctx)) {
      rights.push({ permission: 'FullAccess', trustee: g.trustee });
    }
  }
  for (const g of sendAs) {
    if (isLeaverMailbox(g.mailbox, mailbox) && isDelegate(g.trustee, ctx)) {
      rights.push({ permission: 'SendAs', trustee: g.trustee });
    }
  }
  if (sendOnBehalf.some((m) => isLeaverMailbox(m.primarySmtpAddress, mailbox) || same(m.id, mailbox.id))) {
    rights.push({ permission: 'SendOnBehalf', trustee: delegate.userPrincipalName });
  }
  return rights;
}

export const exoExpireDelegateAccess: Step<OffboardInput> = {
  id: 'exo.expire-delegate-access',
  system: 'exchange',
  title: "End the delegate's access to the mailbox",
  async plan(ctx) {
    const mailbox = leaverMailboxId(ctx);
    return (await delegateRights(ctx)).map((r): Change => ({
      key: `${r.permission.toLowerCase()}:${r.trustee.toLowerCase()}`,
      description: `Remove ${r.trustee}'s ${r.permission} on ${mailbox}`,
      data: { permission: r.permission, trustee: r.trustee, mailbox },
      before: { permission: r.permission, trustee: r.trustee },
    }));
  },
  apply(change, ctx) {
    const mailbox = String(change.data['mailbox']);
    const trustee = String(change.data['trustee']);
    switch (change.data['permission'] as Permission) {
      case 'FullAccess':
        return ctx.ports.mailbox.removeFullAccess(mailbox, trustee);
      case 'SendAs':
        return ctx.ports.mailbox.removeSendAs(mailbox, trustee);
      case 'SendOnBehalf':
        return ctx.ports.mailbox.removeSendOnBehalf(mailbox, trustee);
    }
  },
  async verify(_changes, ctx) {
    const left = await delegateRights(ctx);
    return left.length === 0
      ? ok()
      : fail(
          `The delegate still has ${left.map((r) => r.permission).join(', ')} (removals can take minutes)`,
        );
  },
  undo(change, ctx) {
    const mailbox = String(change.data['mailbox']);
    const trustee = String(change.data['trustee']);
    switch (change.data['permission'] as Permission) {
      case 'FullAccess':
        return ctx.ports.mailbox.addFullAccess(mailbox, trustee, false);
      case 'SendAs':
        return ctx.ports.mailbox.addSendAs(mailbox, trustee);
      case 'SendOnBehalf':
        return ctx.ports.mailbox.addSendOnBehalf(mailbox, trustee);
    }
  },
};

export const spoExpireDelegateAccess: Step<OffboardInput> = {
  id: 'spo.expire-delegate-access',
  system: 'sharepoint',
  title: "End the delegate's access to the OneDrive",
  async plan(ctx) {
    const delegate = ctx.input.delegate;
    if (!delegate) return [];
    const drive = await ctx.ports.files.getOneDrive(ctx.input.leaver.id);
    if (!drive) return [];
    const admins = await ctx.ports.files.listSiteAdmins(drive.siteUrl);
    const admin = admins.find((a) => same(a, delegate.userPrincipalName));
    if (!admin) return [];
    return [
      {
        key: `site-admin:${admin.toLowerCase()}`,
        description: `Remove ${admin} as site collection admin of ${drive.webUrl}`,
        data: { siteUrl: drive.siteUrl, upn: admin },
      },
    ];
  },
  apply: (change, ctx) =>
    ctx.ports.files.removeSiteAdmin(String(change.data['siteUrl']), String(change.data['upn'])),
  async verify(changes, ctx) {
    for (const change of changes) {
      const admins = await ctx.ports.files.listSiteAdmins(String(change.data['siteUrl']));
      if (admins.some((a) => same(a, String(change.data['upn'])))) {
        return fail('The delegate is still a site admin');
      }
    }
    return ok();
  },
  undo: (change, ctx) =>
    ctx.ports.files.addSiteAdmin(String(change.data['siteUrl']), String(change.data['upn'])),
};

/** The steps of the delegation expiry stage (independent of each other). */
export const delegationExpirySteps: readonly Step<OffboardInput>[] = [
  exoExpireDelegateAccess,
  spoExpireDelegateAccess,
];
