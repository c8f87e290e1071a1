/**
 * The line a request card shows about the permission inventory: how old it is, or, while the first
 * inventory is still being built in the background, how far it got and that the run reads the rights
 * again before removing anything.
 */
import type { InventoryStatus } from './permission-inventory.js';

function age(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 1) return 'less than a minute old';
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'} old`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hours old`;
  return `${Math.floor(hours / 24)} days old`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

export function inventoryNote(status: InventoryStatus, nowMs: number): string {
  if (status.isComplete && status.listedAt !== undefined) {
    const when = new Date(status.listedAt).toISOString().slice(0, 16).replace('T', ' ');
    return `FullAccess and calendar rights come from the permission inventory of ${when} UTC (${age(nowMs - status.listedAt)}); the run reads each mailbox live before removing.`;
  }
  const progress = status.progress;
  const sofar = progress
    ? ` (${count(progress.scanned)} of ${count(Math.max(progress.toScan, progress.scanned))} mailboxes scanned, ${count(progress.listed)} listed so far)`
    : '';
  return `The rights on other mailboxes are still being inventoried${sofar}: FullAccess and calendar rights found so far are shown. The run waits for the inventory and reads every candidate live before removing.`;
}
