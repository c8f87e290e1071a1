/**
 * OneDrive retention against a staged deletion: when the account is deleted, the tenant keeps the OneDrive
 * for its retention period (SharePoint OrphanedPersonalSitesRetentionPeriod), then deletes it. The card says
 * when that is, and the delegate's notice gives the same date as the end of their OneDrive access.
 */
import type { Ports } from '../ports/index.js';
import type { OffboardInput } from './offboard-input.js';

const DAY_MS = 86_400_000;

/** The ISO date (`YYYY-MM-DD`) the OneDrive is deleted, for an account deleted on `deleteOn`. */
export function oneDriveDeletedOn(deleteOn: string, retentionDays: number): string {
  return new Date(Date.parse(`${deleteOn}T00:00:00Z`) + retentionDays * DAY_MS).toISOString().slice(0, 10);
}

/** Warnings for `spo.grant-delegate` when a deletion is staged and the leaver has a OneDrive. */
export async function oneDriveRetentionWarnings(
  input: OffboardInput,
  ports: Pick<Ports, 'files'>,
): Promise<string[]> {
  const days = input.options.deleteAfterDays;
  if (days === null || input.deleteOn === undefined) return [];
  const drive = await ports.files.getOneDrive(input.leaver.id);
  if (!drive) return [];
  const retentionDays = await ports.files.getDeletedOneDriveRetentionDays();
  const goneOn = oneDriveDeletedOn(input.deleteOn, retentionDays);
  const when =
    `The account is deleted on ${input.deleteOn} and the tenant keeps a deleted user's OneDrive ` +
    `${String(retentionDays)} days: the OneDrive is deleted on ${goneOn}`;
  if (input.delegate && input.options.shareOneDrive) {
    return [`${when}; the delegate's access ends then, so files to keep must be moved before that date`];
  }
  return [`${when}, and nobody has been given access to it: its files are lost unless copied first`];
}
