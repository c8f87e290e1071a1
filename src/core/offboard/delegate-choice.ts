/**
 * Who receives the leaver's mailbox and OneDrive: the manager by default; when the manager is also
 * leaving (disabled, or with an approved or running offboarding), the next manager up the chain.
 */
import type { IdentityUser } from '../ports/identity.js';
import type { Users } from '../ports/users.js';
import type { RequestStore } from '../ports/store.js';
import { personOf } from '../flows/subject.js';
import type { PersonRef } from './offboard-input.js';

export interface DelegateChoice {
  delegate: PersonRef | null;
  /** Why the default is what it is, shown on the request card. */
  note: string;
}

/**
 * Offboardings that make someone "leaving": approved or running. A draft nobody confirmed, or one still
 * waiting for approval, is anyone's to type and must not move another leaver's mailbox elsewhere.
 */
const leavingStates = ['approved', 'running'] as const;

async function isLeaving(user: IdentityUser, requests: RequestStore): Promise<boolean> {
  if (!user.accountEnabled) return true;
  const open = await requests.listBySubject(user.userPrincipalName, 20);
  return open.some((r) => r.kind === 'offboard' && (leavingStates as readonly string[]).includes(r.state));
}

export async function chooseDelegate(
  leaverId: string,
  users: Pick<Users, 'getManagerChain'>,
  requests: RequestStore,
): Promise<DelegateChoice> {
  const chain = await users.getManagerChain(leaverId, 5);
  const first = chain[0];
  if (!first) return { delegate: null, note: 'No manager is recorded: enter a delegate, or leave it empty.' };
  const skipped: string[] = [];
  for (const manager of chain) {
    if (manager.id === leaverId) break;
    if (await isLeaving(manager, requests)) {
      skipped.push(manager.displayName);
      continue;
    }
    const note =
      skipped.length === 0
        ? `Delegate defaults to the manager, ${manager.displayName}.`
        : `${skipped.join(', ')} ${skipped.length === 1 ? 'is' : 'are'} also leaving: escalated to ${manager.displayName}.`;
    return { delegate: personOf(manager), note };
  }
  return {
    delegate: null,
    note: `Everyone up the management chain (${skipped.join(', ')}) is leaving: enter a delegate.`,
  };
}
