/**
 * Sharing links in the leaver's OneDrive: anonymous links (anyone with the link) and organisation links
 * are reported on the card; anonymous links are removed when the option is on. A deleted link can't be
 * recreated (a new link has a new URL), so there is no undo: the before-state records what was removed.
 */
import type { Ports } from '../ports/index.js';
import type { SharingLink } from '../ports/files.js';
import { fail, ok, type Step } from '../step.js';
import type { OffboardInput } from './offboard-input.js';

const scopeText = (l: SharingLink): string =>
  l.scope === 'anonymous' ? 'anyone with the link' : 'anyone in the organisation';

/** Graph calls (`/drives/…/permissions`): the step takes a Graph (`entra`) slot. */
export const spoRemoveAnonymousLinks: Step<OffboardInput> = {
  id: 'spo.remove-anonymous-links',
  system: 'entra',
  title: 'Remove anonymous sharing links from the OneDrive',
  async plan(ctx) {
    if (!ctx.input.options.removeAnonymousLinks) return [];
    const drive = await ctx.ports.files.getOneDrive(ctx.input.leaver.id);
    if (!drive) return [];
    const links = await ctx.ports.files.listSharingLinks(drive.driveId);
    return links
      .filter((l) => l.scope === 'anonymous')
      .map((l) => ({
        key: `link:${l.itemId}:${l.permissionId}`,
        description: `Remove the anonymous ${l.type} link on ${l.itemName}`,
        data: { driveId: drive.driveId, itemId: l.itemId, permissionId: l.permissionId },
        before: l,
        after: { ...l, isRemoved: true },
      }));
  },
  apply: (change, ctx) =>
    ctx.ports.files.removeSharingLink(
      String(change.data['driveId']),
      String(change.data['itemId']),
      String(change.data['permissionId']),
    ),
  async verify(changes, ctx) {
    const driveId = changes[0]?.data['driveId'];
    if (typeof driveId !== 'string') return ok();
    const ids = new Set((await ctx.ports.files.listSharingLinks(driveId)).map((l) => l.permissionId));
    const left = changes.filter((c) => ids.has(String(c.data['permissionId'])));
    return left.length === 0 ? ok() : fail(`${String(left.length)} anonymous link(s) still work`);
  },
};

/** Every anonymous and organisation link, said on the card whether or not the removal option is on. */
export async function sharingLinkWarnings(
  input: OffboardInput,
  ports: Pick<Ports, 'files'>,
): Promise<string[]> {
  const drive = await ports.files.getOneDrive(input.leaver.id);
  if (!drive) return [];
  const links = await ports.files.listSharingLinks(drive.driveId);
  return links.map((l) => {
    const fate =
      l.scope === 'anonymous' && input.options.removeAnonymousLinks
        ? 'removed'
        : 'kept: remove it in OneDrive if it must stop working';
    return `${l.itemName}: ${l.type} link for ${scopeText(l)}, ${fate}`;
  });
}
