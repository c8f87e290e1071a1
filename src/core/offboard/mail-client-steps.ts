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
    if (ctx.isQuickPreview) {
      if (!(await ctx.ports.mailbox.getMailbox(mailboxId(ctx)))) return [];
      return [
        {
          key: 'protocols',
          description: 'Each one still on when the run starts',
          data: {},
          isPreviewOnly: true,
        },
      ];
    }
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
        after: { ...current, ...blocked },
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

/** Exchange ActiveSync ids of the leaver's corporate Intune devices (`easDeviceId`). */
async function corporateEasIds(ctx: Ctx): Promise<Set<string>> {
  const managed = await ctx.ports.devices.listManagedDevices(ctx.input.leaver.id);
  return new Set(
    managed
      .filter((d) => d.ownership === 'company' && d.easDeviceId)
      .map((d) => String(d.easDeviceId).toLowerCase()),
  );
}

/**
 * Not reversible: the device sets its partnership up again when its user signs in. With the wipe
 * option, the partnership of a corporate device (an Intune device owned by the company whose
 * `easDeviceId` is the partnership's DeviceId) first gets an account-only wipe (Clear-MobileDevice
 * -AccountOnly): the mail app deletes the mailbox's mail, calendar and contacts on its next sync. Never a
 * full wipe: an ActiveSync partnership proves nothing about who owns the phone, and a device Intune
 * doesn't know, or knows as personal, may be someone's own phone. Those are only removed.
 * The wipe reaches the device only if it syncs again, and account-only wipe needs an ActiveSync 16.1
 * client: the request is best effort on top of the Intune wipe, never the only protection.
 */
export const exoRemoveMobileDevices: Step<OffboardInput> = {
  id: 'exo.remove-mobile-devices',
  system: 'exchange',
  title: 'Remove mobile mail devices',
  async plan(ctx) {
    if (!ctx.input.options.blockMailClients) return [];
    if (!(await ctx.ports.mailbox.getMailbox(mailboxId(ctx)))) return [];
    if (ctx.isQuickPreview) {
      const wipe = ctx.input.options.wipeCorporateDevices
        ? '; corporate ones get an account-only wipe first'
        : '';
      return [
        {
          key: 'mobile-devices',
          description: `Those connected when the run starts${wipe}`,
          data: {},
          isPreviewOnly: true,
        },
      ];
    }
    const devices = await ctx.ports.mobileMail.listMobileDevices(mailboxId(ctx));
    if (devices.length === 0) return [];
    const corporate = ctx.input.options.wipeCorporateDevices ? await corporateEasIds(ctx) : new Set();
    return devices.flatMap((d) => {
      const name = `${d.friendlyName || d.deviceModel} (${d.deviceOs})`;
      const before = { identity: d.identity, friendlyName: d.friendlyName, deviceOs: d.deviceOs };
      const remove = {
        key: `mobile-device:${d.identity}`,
        description: `Remove ${name} from the mailbox`,
        data: { identity: d.identity, action: 'remove' },
        before: { ...before, isPartnership: true },
        after: { ...before, isPartnership: false },
      };
      if (!d.deviceId || !corporate.has(d.deviceId.toLowerCase())) return [remove];
      return [
        {
          key: `mobile-device-wipe:${d.identity}`,
          description: `Wipe the mailbox data from ${name}, corporate (account-only wipe)`,
          data: { identity: d.identity, action: 'account-wipe' },
          before: { ...before, isAccountWipeRequested: false },
          after: { ...before, isAccountWipeRequested: true },
        },
        remove,
      ];
    });
  },
  apply: (change, ctx) =>
    change.data['action'] === 'account-wipe'
      ? ctx.ports.mobileMail.wipeMobileDeviceAccountOnly(String(change.data['identity']))
      : ctx.ports.mobileMail.removeMobileDevice(String(change.data['identity'])),
  /** Read back: every partnership is gone; one still there with a wipe planned shows the request. */
  async verify(changes, ctx) {
    const left = new Map(
      (await ctx.ports.mobileMail.listMobileDevices(mailboxId(ctx))).map((d) => [d.identity, d]),
    );
    const still = changes.filter(
      (c) => c.data['action'] !== 'account-wipe' && left.has(String(c.data['identity'])),
    );
    const unwiped = changes.filter(
      (c) =>
        c.data['action'] === 'account-wipe' && left.get(String(c.data['identity']))?.wipeRequested === false,
    );
    if (unwiped.length > 0) return fail(`${unwiped.length} corporate mobile device(s) have no wipe request`);
    return still.length === 0 ? ok() : fail(`${still.length} mobile device(s) still connected`);
  },
};
