/**
 * The start of `prepare` for the flows asked about a typed name or UPN (offboard, revoke): may the
 * actor ask for this kind of request at all, who is meant (one user, several, nobody), and may the
 * actor ask it about that user. Refusals carry the policy's message for the requester.
 */
import type { Principal, RequestKind } from '../model.js';
import type { Policy } from '../policy/policy.js';
import type { IdentityUser } from '../ports/identity.js';
import type { Users } from '../ports/users.js';

export type SubjectResolution =
  | { kind: 'refused'; message: string }
  | { kind: 'ambiguous'; choices: IdentityUser[] }
  | { kind: 'not-found'; query: string; suggestions: IdentityUser[] }
  | { kind: 'allowed'; user: IdentityUser; approvalsRequired: number };

export async function resolveSubject(
  deps: { policy: Policy; users: Pick<Users, 'resolveUser'> },
  actor: Principal,
  query: string,
  kind: RequestKind,
): Promise<SubjectResolution> {
  const mayRequest = await deps.policy.canRequest(actor, kind);
  if (!mayRequest.isAllowed) return { kind: 'refused', message: mayRequest.reason };
  const found = await deps.users.resolveUser(query);
  if (found.kind === 'ambiguous') return { kind: 'ambiguous', choices: found.choices };
  if (found.kind === 'not-found') return { kind: 'not-found', query, suggestions: found.suggestions };
  const user = found.user;
  const check = await deps.policy.checkSubject(
    actor,
    { id: user.id, userPrincipalName: user.userPrincipalName },
    kind,
  );
  if (!check.decision.isAllowed) return { kind: 'refused', message: check.decision.reason };
  return { kind: 'allowed', user, approvalsRequired: check.approvalsRequired };
}
