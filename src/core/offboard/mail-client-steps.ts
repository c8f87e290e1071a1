/**
 * Mail clients already signed in keep syncing after the account is blocked until Exchange cuts them
 * off: the ActiveSync partnerships are removed and ActiveSync, Outlook on the web, POP and IMAP are
 * turned off for the mailbox. MAPI stays on: the delegate opens the converted shared mailbox in Outlook
 * over MAPI, and the leaver's own Outlook is already cut off by the block and the revoked sessions.
 */
import type { MailProtocols } from '../ports/mobile-mail.js';
import { fail, ok, type Step, type StepContext } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

type Ctx = StepContext<OffboardInput>;

const mailboxId = (ctx: Ctx): string => ctx.input.leaver.mail ?? ctx.input.leaver.userPrincipalName;

const blocked: MailProtocols = {
  ActiveSyncEnabled: false,
  OWAEnabled: false,
  PopEnabled: false,
  ImapEnabled: false,
};
const protocolNames = Object.keys(blocked) as (keyof MailProtocols)[];

export const exoBlockMailClients: Step<OffboardInput> = {
  id: 'exo.block-mail-clients',
  system: 'exchange',
  title: 'Turn off ActiveSync, Outlook on the web, POP and IMAP',
  async plan(ctx) {
    if (!ctx.input.options.blockMailClients) return [];
    const current = await ctx.ports.mobileMail.getMailProtocols(mailboxId(ctx));
    if (!current) return [];
    const on = protocolNames.filter((name) => current[name]);
    if (on.length === 0) return [];
    return [
      {
        key: 'protocols',
        description: `Turn off ${on.map((n) => n.replace(/Enabled$/, '')).join(', ')}`,
        data: {},
        before: current,
      },
    ];
  },
  apply: (_change, ctx) => ctx.ports.mobileMail.setMailProtocols(mailboxId(ctx), blocked),
  async verify(_changes, ctx) {
    const current = await ctx.ports.mobileMail.getMailProtocols(mailboxId(ctx));
    const on = protocolNames.filter((name) => current?.[name] === true);
    return on.length === 0 ? ok() : fail(`Still on: ${on.join(', ')}`);
  },
  undo: (change, ctx) =>
    ctx.ports.mobileMail.setMailProtocols(mailboxId(ctx), change.before as MailProtocols),
};

/** Not reversible: the device sets its partnership up again when its user signs in. */
export const exoRemoveMobileDevices: Step<OffboardInput> = {
  id: 'exo.remove-mobile-devices',
  system: 'exchange',
  title: 'Remove mobile mail devices',
  async plan(ctx) {
    if (!ctx.input.options.blockMailClients) return [];
    if (!(await ctx.ports.mailbox.getMailbox(mailboxId(ctx)))) return [];
    const devices = await ctx.ports.mobileMail.listMobileDevices(mailboxId(ctx));
    return devices.map((d) => ({
      key: `mobile-device:${d.identity}`,
      description: `Remove ${d.friendlyName || d.deviceModel} (${d.deviceOs}) from the mailbox`,
      data: { identity: d.identity },
    }));
  },
  apply: (change, ctx) => ctx.ports.mobileMail.removeMobileDevice(String(change.data['identity'])),
  async verify(changes, ctx) {
    const left = new Set(
      (await ctx.ports.mobileMail.listMobileDevices(mailboxId(ctx))).map((d) => d.identity),
    );
    const still = changes.filter((c) => left.has(String(c.data['identity'])));
    return still.length === 0 ? ok() : fail(`${still.length} mobile device(s) still connected`);
  },
};
