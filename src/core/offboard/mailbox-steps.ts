/** Exchange Online steps on the leaver's own mailbox. */
import type { AutomaticReplies } from '../ports/auto-replies.js';
import { InvalidInputError } from '../errors.js';
import type { MailboxInfo, MailboxSettingsUpdate } from '../ports/mailbox.js';
import { fail, ok, type Change, type Step, type StepContext } from '../step.js';
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
    const grant: Change = {
      key: `full-access:${delegate.userPrincipalName.toLowerCase()}`,
      description: `Grant FullAccess on ${mailboxId(ctx)} to ${delegate.userPrincipalName}`,
      data: { trustee: delegate.userPrincipalName, automapping: ctx.input.options.automapping },
    };
    // Whether the delegate has it already only changes the line, not what is approved.
    if (ctx.isQuickPreview) return [{ ...grant, isPreviewOnly: true }];
    const grants = await ctx.ports.mailbox.listFullAccess(mailboxId(ctx));
    if (grants.some((g) => !g.isDeny && isDelegateTrustee(g.trustee, ctx))) return [];
    return [grant];
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

/** The forwarding change's data, before-state and Set-Mailbox value (shared by both forwarding steps). */
function forwardingChange(ctx: Ctx, mailbox: MailboxInfo): Change | null {
  const target = ctx.input.options.forwardTo;
  if (!target) return null;
  const current = mailbox.forwardingSmtpAddress?.replace(/^smtp:/i, '');
  if (current && sameAddress(current, target)) return null;
  return {
    key: 'forward',
    description: `Forward new mail to ${target} (keep a copy)`,
    data: { target },
    before: {
      forwardingSmtpAddress: mailbox.forwardingSmtpAddress ?? null,
      deliverToMailboxAndForward: mailbox.deliverToMailboxAndForward ?? false,
    },
  };
}

type ForwardingBefore = { forwardingSmtpAddress: string | null; deliverToMailboxAndForward: boolean };

const forwardingOf = (change: Change) => ({
  smtpAddress: String(change.data['target']),
  deliverToMailboxAndForward: true,
});

function forwardingBefore(change: Change) {
  const before = change.before as ForwardingBefore;
  return {
    smtpAddress: before.forwardingSmtpAddress,
    deliverToMailboxAndForward: before.deliverToMailboxAndForward,
  };
}

function isForwardingTo(mailbox: MailboxInfo | null, change: Change | undefined): boolean {
  const raw = change?.data['target'];
  const target = typeof raw === 'string' ? raw : '';
  const actual = mailbox?.forwardingSmtpAddress?.replace(/^smtp:/i, '') ?? '';
  return sameAddress(actual, target);
}

/** The part of one Set-Mailbox call a planned settings change carries. */
function settingOf(change: Change): MailboxSettingsUpdate {
  switch (change.key) {
    case 'convert':
      return { type: 'Shared' };
    case 'hide':
      return { hiddenFromAddressLists: true };
    case 'forward':
      return { forwarding: forwardingOf(change) };
    default:
      throw new InvalidInputError(`Unknown mailbox setting change ${JSON.stringify(change.key)}`);
  }
}

/**
 * The Set-Mailbox settings of the plan on the leaver's own mailbox: the conversion to shared, hiding
 * from address lists (cloud-only users; a synced user's visibility is written in AD) and forwarding,
 * one change each (each journaled with its before and after), made in one Set-Mailbox call: Exchange
 * counts every Set-Mailbox against its 120-per-60-s destructive-cmdlet budget. The id is the
 * conversion's, as plans, journals and the licence step's dependency name it. Must run while the
 * mailbox is still licensed: licence removal depends on it.
 */
export const exoConvertToShared: Step<OffboardInput> = {
  id: 'exo.convert-to-shared',
  system: 'exchange',
  title: 'Convert the mailbox to shared, hide it and set forwarding',
  async plan(ctx) {
    const { options } = ctx.input;
    const wantsHide = options.hideFromAddressLists && !ctx.input.leaver.isSynced;
    if (!options.convertToShared && !wantsHide && !options.forwardTo) return [];
    const mailbox = await readMailbox(ctx);
    if (!mailbox) return [];
    const changes: Change[] = [];
    if (options.convertToShared && mailbox.recipientTypeDetails !== 'SharedMailbox') {
      changes.push({
        key: 'convert',
        description: `Convert ${mailbox.primarySmtpAddress} to a shared mailbox`,
        data: {},
        before: { recipientTypeDetails: mailbox.recipientTypeDetails },
        after: { recipientTypeDetails: 'SharedMailbox' },
      });
    }
    if (wantsHide && !mailbox.hiddenFromAddressListsEnabled) {
      changes.push({
        key: 'hide',
        description: 'Hide from the global address list',
        data: {},
        before: { hiddenFromAddressListsEnabled: false },
        after: { hiddenFromAddressListsEnabled: true },
      });
    }
    const forward = forwardingChange(ctx, mailbox);
    if (forward) changes.push(forward);
    return changes;
  },
  apply: (change, ctx) => ctx.ports.mailbox.updateMailboxSettings(mailboxId(ctx), settingOf(change)),
  applyTogether: (changes, ctx) =>
    ctx.ports.mailbox.updateMailboxSettings(
      mailboxId(ctx),
      Object.assign({}, ...changes.map(settingOf)) as MailboxSettingsUpdate,
    ),
  async verify(changes, ctx) {
    const mailbox = await readMailbox(ctx);
    const has = (key: string) => changes.find((c) => c.key === key);
    if (has('convert') && mailbox?.recipientTypeDetails !== 'SharedMailbox')
      return fail('The mailbox is not shared yet');
    if (has('hide') && !mailbox?.hiddenFromAddressListsEnabled) return fail('Still visible in address lists');
    const forward = has('forward');
    if (forward && !isForwardingTo(mailbox, forward)) return fail('Forwarding is not set');
    return ok();
  },
  undo: (change, ctx) => {
    switch (change.key) {
      case 'convert':
        return ctx.ports.mailbox.convertToRegular(mailboxId(ctx));
      case 'hide':
        return ctx.ports.mailbox.setHiddenFromAddressLists(mailboxId(ctx), false);
      case 'forward':
        return ctx.ports.mailbox.setForwarding(mailboxId(ctx), forwardingBefore(change));
      default:
        throw new InvalidInputError(`Unknown mailbox setting change ${JSON.stringify(change.key)}`);
    }
  },
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

/**
 * Forwarding on its own, as offboardings planned before the settings were combined recorded it (their
 * journals, retries and undo name this step); new plans carry forwarding in `exo.convert-to-shared`.
 */
export const exoForwarding: Step<OffboardInput> = {
  id: 'exo.forwarding',
  system: 'exchange',
  title: 'Forward new mail',
  async plan(ctx) {
    if (!ctx.input.options.forwardTo) return [];
    const mailbox = await readMailbox(ctx);
    if (!mailbox) return [];
    const change = forwardingChange(ctx, mailbox);
    return change ? [change] : [];
  },
  apply: (change, ctx) => ctx.ports.mailbox.setForwarding(mailboxId(ctx), forwardingOf(change)),
  async verify(changes, ctx) {
    return isForwardingTo(await readMailbox(ctx), changes[0]) ? ok() : fail('Forwarding is not set');
  },
  undo: (change, ctx) => ctx.ports.mailbox.setForwarding(mailboxId(ctx), forwardingBefore(change)),
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

/**
 * Cloud-only users; a synced user's address-list visibility is written in AD. Kept for offboardings
 * planned before the settings were combined; new plans hide in `exo.convert-to-shared`.
 */
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
