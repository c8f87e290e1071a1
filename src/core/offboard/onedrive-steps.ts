/** OneDrive: the delegate becomes site collection admin of the leaver's OneDrive. */
import { fail, ok, type Step } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

export const spoGrantDelegate: Step<OffboardInput> = {
  id: 'spo.grant-delegate',
  system: 'sharepoint',
  title: "Give the delegate the leaver's OneDrive",
  async plan(ctx) {
    const delegate = ctx.input.delegate;
    if (!delegate || !ctx.input.options.shareOneDrive) return [];
    const drive = await ctx.ports.files.getOneDrive(ctx.input.leaver.id);
    if (!drive) return [];
    const admins = await ctx.ports.files.listSiteAdmins(drive.siteUrl);
    const upn = delegate.userPrincipalName.toLowerCase();
    if (admins.some((a) => a.toLowerCase() === upn)) return [];
    return [
      {
        key: `site-admin:${upn}`,
        description: `Make ${delegate.userPrincipalName} site collection admin of ${drive.webUrl}`,
        data: {
          siteUrl: drive.siteUrl,
          webUrl: drive.webUrl,
          driveId: drive.driveId,
          upn: delegate.userPrincipalName,
        },
      },
    ];
  },
  apply: (change, ctx) =>
    ctx.ports.files.addSiteAdmin(String(change.data['siteUrl']), String(change.data['upn'])),
  async verify(changes, ctx) {
    for (const change of changes) {
      const admins = await ctx.ports.files.listSiteAdmins(String(change.data['siteUrl']));
      const upn = String(change.data['upn']).toLowerCase();
      if (!admins.some((a) => a.toLowerCase() === upn)) return fail('The delegate is not a site admin yet');
    }
    return ok();
  },
  undo: (change, ctx) =>
    ctx.ports.files.removeSiteAdmin(String(change.data['siteUrl']), String(change.data['upn'])),
};
