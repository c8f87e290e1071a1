/** Exchange Online steps on the leaver's own mailbox. */
import type { AutomaticReplies } from '../ports/auto-replies.js';
import type { MailboxInfo } from '../ports/mailbox.js';
import { fail, ok, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;

const mailboxId = (ctx: Ctx): string => ctx.input.leaver.mail ?? ctx.input.leaver.userPrincipalName;

async function readMailbox(ctx: Ctx): Promise<MailboxInfo | null> {
  return ctx.ports.mailbox.getMailbox(mailboxId(ctx));
}

const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

function isDelegateTrustee(trustee: string, ctx: Ctx): boolean {
  const d = ctx.input.delegate;
  if (!d) return false;
  return [d.userPrincipalName, d.mail, d.id].some((v) => v !== undefined && sameAddress(v, trustee));
}

export const exoGrantDelegate: Step<OffboardInput> = {
  id: 'exo.grant-delegate',
  system: 'exchange',
  title: 'Give the delegate FullAccess to the mailbox',
  async plan(ctx) {
    const delegate = ctx.input.delegate;
    if (!delegate || !ctx.input.options.grantMailboxAccess) return [];
    if (!(await readMailbox(ctx))) return [];
    const grants = await ctx.ports.mailbox.listFullAccess(mailboxId(ctx));
    if (grants.some((g) => !g.isDeny && isDelegateTrustee(g.trustee, ctx))) return [];
    return [
      {
        key: `full-access:${delegate.userPrincipalName.toLowerCase()}`,
        description: `Grant FullAccess on ${mailboxId(ctx)} to ${delegate.userPrincipalName}`,
        data: { trustee: delegate.userPrincipalName, automapping: ctx.input.options.automapping },
      },
    ];
  },
  apply: (change, ctx) =>
    ctx.ports.mailbox.addFullAccess(
      mailboxId(ctx),
      String(change.data['trustee']),
      change.data['automapping'] === true,
    ),
  async verify(_changes, ctx) {
    const grants = await ctx.ports.mailbox.listFullAccess(mailboxId(ctx));
    return grants.some((g) => !g.isDeny && isDelegateTrustee(g.trustee, ctx))
      ? ok()
      : fail('The delegate has no FullAccess yet (grants can take minutes to replicate)');
  },
  undo: (change, ctx) => ctx.ports.mailbox.removeFullAccess(mailboxId(ctx), String(change.data['trustee'])),
};

/** Must run while the mailbox is still licensed: licence removal depends on it. */
export const exoConvertToShared: Step<OffboardInput> = {
  id: 'exo.convert-to-shared',
  system: 'exchange',
  title: 'Convert the mailbox to shared',
  async plan(ctx) {
    if (!ctx.input.options.convertToShared) return [];
    const mailbox = await readMailbox(ctx);
    if (!mailbox || mailbox.recipientTypeDetails === 'SharedMailbox') return [];
    return [
      {
        key: 'convert',
        description: `Convert ${mailbox.primarySmtpAddress} to a shared mailbox`,
        data: {},
        before: { recipientTypeDetails: mailbox.recipientTypeDetails },
        after: { recipientTypeDetails: 'SharedMailbox' },
      },
    ];
  },
  apply: (_change, ctx) => ctx.ports.mailbox.convertToShared(mailboxId(ctx)),
  async verify(_changes, ctx) {
    const mailbox = await readMailbox(ctx);
    return mailbox?.recipientTypeDetails === 'SharedMailbox' ? ok() : fail('The mailbox is not shared yet');
  },
  undo: (_change, ctx) => ctx.ports.mailbox.convertToRegular(mailboxId(ctx)),
};

/** Whether the options ask for a hold: litigation hold itself, or an inactive mailbox (which needs one). */
export const wantsHold = (options: OffboardInput['options']): boolean =>
  options.litigationHold || options.keepInactiveMailbox;

/** Runs before the conversion to shared (the plan orders it), while the mailbox is still licensed. */
export const exoLitigationHold: Step<OffboardInput> = {
  id: 'exo.litigation-hold',
  system: 'exchange',
  title: 'Put the mailbox on litigation hold',
  async plan(ctx) {
    if (!wantsHold(ctx.input.options)) return [];
    const mailbox = await readMailbox(ctx);
    if (!mailbox || mailbox.litigationHoldEnabled) return [];
    return [
      {
        key: 'hold',
        description: 'Enable litigation hold',
        data: {},
        before: { litigationHoldEnabled: false },
        after: { litigationHoldEnabled: true },
      },
    ];
  },
  apply: (_change, ctx) => ctx.ports.mailbox.setLitigationHold(mailboxId(ctx), true),
  async verify(_changes, ctx) {
    const mailbox = await readMailbox(ctx);
    return mailbox?.litigationHoldEnabled ? ok() : fail('Litigation hold is not enabled');
  },
  undo: (_change, ctx) => ctx.ports.mailbox.setLitigationHold(mailboxId(ctx), false),
};

export const exoForwarding: Step<OffboardInput> = {
  id: 'exo.forwarding',
  system: 'exchange',
  title: 'Forward new mail',
  async plan(ctx) {
    const target = ctx.input.options.forwardTo;
    if (!target) return [];
    const mailbox = await readMailbox(ctx);
    if (!mailbox) return [];
    if (
      mailbox.forwardingSmtpAddress &&
      sameAddress(mailbox.forwardingSmtpAddress.replace(/^smtp:/i, ''), target)
    ) {
      return [];
    }
    return [
      {
        key: 'forward',
        description: `Forward new mail to ${target} (keep a copy)`,
        data: { target },
        before: {
          forwardingSmtpAddress: mailbox.forwardingSmtpAddress ?? null,
          deliverToMailboxAndForward: mailbox.deliverToMailboxAndForward ?? false,
        },
      },
    ];
  },
  apply: (change, ctx) =>
    ctx.ports.mailbox.setForwarding(mailboxId(ctx), {
      smtpAddress: String(change.data['target']),
      deliverToMailboxAndForward: true,
    }),
  async verify(changes, ctx) {
    const mailbox = await readMailbox(ctx);
    const raw = changes[0]?.data['target'];
    const target = typeof raw === 'string' ? raw : '';
    const actual = mailbox?.forwardingSmtpAddress?.replace(/^smtp:/i, '') ?? '';
    return sameAddress(actual, target) ? ok() : fail('Forwarding is not set');
  },
  undo: (change, ctx) => {
    const before = change.before as {
      forwardingSmtpAddress: string | null;
      deliverToMailboxAndForward: boolean;
    };
    return ctx.ports.mailbox.setForwarding(mailboxId(ctx), {
      smtpAddress: before.forwardingSmtpAddress,
      deliverToMailboxAndForward: before.deliverToMailboxAndForward,
    });
  },
};

/**
 * Through Graph (`/users/{id}/mailboxSettings`), not the Exchange admin API: it takes a Graph slot. The
 * id keeps its `exo.` prefix because step ids are stored in journals and cards.
 */
export const exoAutoReply: Step<OffboardInput> = {
  id: 'exo.auto-reply',
  system: 'entra',
  title: 'Set the automatic reply',
  async plan(ctx) {
    const text = ctx.input.options.autoReply;
    if (!text) return [];
    const current = await ctx.ports.autoReplies.getAutomaticReplies(ctx.input.leaver.id);
    if (current.status === 'alwaysEnabled' && current.externalReplyMessage === text) return [];
    return [
      { key: 'auto-reply', description: 'Turn on the automatic reply', data: { text }, before: current },
    ];
  },
  apply: (change, ctx) => {
    const text = String(change.data['text']);
    return ctx.ports.autoReplies.setAutomaticReplies(ctx.input.leaver.id, {
      status: 'alwaysEnabled',
      internalReplyMessage: text,
      externalReplyMessage: text,
      externalAudience: 'all',
    });
  },
  async verify(_changes, ctx) {
    const current = await ctx.ports.autoReplies.getAutomaticReplies(ctx.input.leaver.id);
    return current.status === 'alwaysEnabled' ? ok() : fail('The automatic reply is off');
  },
  /** Puts back the settings read at plan time (status, texts, audience, schedule). */
  undo: (change, ctx) =>
    ctx.ports.autoReplies.setAutomaticReplies(ctx.input.leaver.id, change.before as AutomaticReplies),
};

/** Cloud-only users; a synced user's address-list visibility is written in AD. */
export const exoHideFromAddressLists: Step<OffboardInput> = {
  id: 'exo.hide-from-address-lists',
  system: 'exchange',
  title: 'Hide from address lists',
  async plan(ctx) {
    if (!ctx.input.options.hideFromAddressLists || ctx.input.leaver.isSynced) return [];
    const mailbox = await readMailbox(ctx);
    if (!mailbox || mailbox.hiddenFromAddressListsEnabled) return [];
    return [{ key: 'hide', description: 'Hide from the global address list', data: {} }];
  },
  apply: (_change, ctx) => ctx.ports.mailbox.setHiddenFromAddressLists(mailboxId(ctx), true),
  async verify(_changes, ctx) {
    const mailbox = await readMailbox(ctx);
    return mailbox?.hiddenFromAddressListsEnabled ? ok() : fail('Still visible in address lists');
  },
  undo: (_change, ctx) => ctx.ports.mailbox.setHiddenFromAddressLists(mailboxId(ctx), false),
};
